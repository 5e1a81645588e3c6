using Amqp;
using Amqp.Framing;
using Microsoft.Extensions.Logging;

namespace Ccd.Runtime.Publishing;

/// <summary>
/// One AMQP 1.0 connection, session and sender link to the configured entity, opened on first use and again after
/// any failure. A batch is sent pipelined (every message in flight at once, each settled by the broker on its own),
/// so a batch costs about one round trip rather than one per message.
/// </summary>
internal sealed class AmqpOutboxSender(BrokerSettings broker, PublishingOptions options, ILogger<AmqpOutboxSender> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Connection? _connection;
    private SenderLink? _link;

    /// <summary>Opens (or reuses) the link and waits until the broker has attached it.</summary>
    /// <exception cref="AmqpException">The broker refused the connection (credentials), the session or the link.</exception>
    /// <exception cref="OperationCanceledException">The broker did not answer within the send timeout.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_link is { IsClosed: false } && _connection is { IsClosed: false })
            {
                return;
            }

            await CloseCurrentAsync();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.SendTimeout);
            var connection = await new ConnectionFactory().CreateAsync(broker.Address, timeout.Token);
            try
            {
                var session = new Session(connection);
                var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var link = new SenderLink(
                    session,
                    $"ccd-outbox-{Environment.MachineName}-{Guid.NewGuid():N}",
                    new Target { Address = broker.Entity },
                    (_, _) => attached.TrySetResult());
                link.Closed += (_, error) => attached.TrySetException(new AmqpException(error ?? new Error(ErrorCode.DetachForced)));
                await attached.Task.WaitAsync(timeout.Token);
                _connection = connection;
                _link = link;
                logger.LogInformation("Connected to the message broker at {Broker}", broker.Description);
            }
            catch
            {
                await CloseQuietlyAsync(connection);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sends every message of <paramref name="batch"/> at once and waits for each one's settlement. Returns the ids
    /// the broker accepted, the messages it refused (rejected for good, or released), and how many it never settled.
    /// After any message went unsettled the link is dropped, so the next call reconnects.
    /// </summary>
    /// <exception cref="AmqpException">The connection or link could not be opened.</exception>
    public async Task<SendResult> SendAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);
        var link = _link!;
        var connection = _connection!;
        var settlements = new Settlements(batch.Count);
        Exception? sendError = null;
        for (var i = 0; i < batch.Count; i++)
        {
            if (sendError is not null)
            {
                settlements.Settle(i, null);
                continue;
            }

            try
            {
                link.Send(ToAmqpMessage(batch[i]), static (_, _, outcome, state) => ((Settlement)state).Settle(outcome), settlements.For(i));
            }
            catch (Exception exception) when (exception is AmqpException or ObjectDisposedException or InvalidOperationException)
            {
                // The link closed under the batch: the rest is not even handed over.
                sendError = exception;
                settlements.Settle(i, null);
            }
        }

        try
        {
            await settlements.All.WaitAsync(options.SendTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Each message is inspected below; one unsettled message must not hide the others' settlement.
        }

        // When the link or connection closed, the library settles what was pending with made-up outcomes
        // (rejected with the close error): those say nothing about the messages, so they count as unsettled.
        var broken = sendError is not null || link.IsClosed || connection.IsClosed;
        var accepted = new List<long>(batch.Count);
        var refused = new List<RefusedMessage>();
        var unsettled = new List<long>();
        Exception? firstError = sendError;
        for (var i = 0; i < batch.Count; i++)
        {
            var outcome = settlements.Outcome(i);
            switch (outcome)
            {
                case Accepted:
                    accepted.Add(batch[i].Id);
                    break;
                case Rejected rejected when !broken:
                    refused.Add(new RefusedMessage(batch[i].Id, Describe(rejected.Error, "rejected"), Final: true));
                    break;
                case Released or Modified when !broken:
                    refused.Add(new RefusedMessage(batch[i].Id, "released by the broker", Final: false));
                    break;
                default:
                    unsettled.Add(batch[i].Id);
                    firstError ??= outcome is Rejected closed && closed.Error is not null
                        ? new AmqpException(closed.Error)
                        : new TimeoutException("The broker did not settle the message in time.");
                    break;
            }
        }

        if (unsettled.Count > 0)
        {
            // Whatever failed (link, connection, a broker that stopped answering), start the next batch on a fresh connection.
            await DropAsync(link);
        }

        return new SendResult(accepted, refused, unsettled, broken, firstError);
    }

    private static string Describe(Error? error, string fallback) =>
        error is null ? fallback : $"{error.Condition}{(string.IsNullOrEmpty(error.Description) ? "" : ": " + error.Description)}";

    internal static Message ToAmqpMessage(OutboxMessage row)
    {
        var message = new Message
        {
            BodySection = new Data { Binary = row.Body },
            // Durable: the broker must keep it on disk before it accepts it.
            Header = new Header { Durable = true },
            Properties = new Properties
            {
                // Stable across re-sends, so a broker with duplicate detection (Service Bus) can drop a re-send.
                MessageId = row.EventInstanceId ?? row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ContentType = "application/json",
                // Service Bus takes group-id as the session id: consumers of a session see one case in order.
                GroupId = row.CaseId,
            },
            ApplicationProperties = new ApplicationProperties(),
        };
        // As CCD's publisher: a property is left out when its value is missing.
        AddProperty(message, "jurisdiction_id", row.JurisdictionId);
        AddProperty(message, "case_type_id", row.CaseTypeId);
        AddProperty(message, "case_id", row.CaseId);
        AddProperty(message, "event_id", row.EventId);
        return message;
    }

    private static void AddProperty(Message message, string name, string? value)
    {
        if (value is not null && value != "null")
        {
            message.ApplicationProperties[name] = value;
        }
    }

    private async Task DropAsync(SenderLink failed)
    {
        await _gate.WaitAsync();
        try
        {
            if (ReferenceEquals(_link, failed))
            {
                await CloseCurrentAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CloseCurrentAsync()
    {
        var connection = _connection;
        _connection = null;
        _link = null;
        if (connection is not null)
        {
            await CloseQuietlyAsync(connection);
        }
    }

    private static async Task CloseQuietlyAsync(Connection connection)
    {
        try
        {
            await connection.CloseAsync(TimeSpan.FromSeconds(2), null);
        }
        catch (Exception exception) when (exception is AmqpException or TimeoutException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // Closing a connection that already failed: nothing more to do.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await CloseCurrentAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// What the broker did with a batch: the ids it accepted, the messages it refused, the ids it never settled, whether
/// the link or connection closed meanwhile, and the first error.
/// </summary>
internal sealed record SendResult(IReadOnlyList<long> Accepted, IReadOnlyList<RefusedMessage> Refused, IReadOnlyList<long> Unsettled, bool LinkBroke, Exception? FirstError)
{
    /// <summary>The broker settled none of the batch and the link stayed open: it is not answering.</summary>
    public bool NoAnswer => !LinkBroke && Accepted.Count + Refused.Count == 0;
}

/// <summary>A message the broker settled without accepting it; <see cref="Final"/> when it was rejected (never to be accepted).</summary>
internal sealed record RefusedMessage(long Id, string Error, bool Final);
