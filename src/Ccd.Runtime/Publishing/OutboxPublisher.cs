using Ccd.Runtime.Database;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccd.Runtime.Publishing;

/// <summary>
/// The background publisher: claims the oldest unsent row of each case, sends the batch to the broker, marks what
/// the broker accepted as published, parks what it refused for good, and repeats (the next batch claimed and the
/// previous one's marks committed while the broker settles the current one); a broker that is down or does not
/// answer fails the loop, which its supervisor restarts after a growing pause. A second loop sweeps old published rows and refreshes the backlog gauges. Both run
/// under the <see cref="WorkerSupervisor"/>. Any number of publishers (replicas) may run against one database.
/// </summary>
internal sealed partial class OutboxPublisher(
    NpgsqlDataSource dataSource,
    AmqpOutboxSender sender,
    OutboxRetention retention,
    OutboxStatus status,
    PublishingMetrics metrics,
    PublishingOptions options,
    WorkerSupervisor supervisor,
    TimeProvider time,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    /// <summary>Every batch that ended, however it ended (what the test harness's drain waits on).</summary>
    public PassCounter EndedBatches { get; } = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(
            supervisor.RunAsync("outbox-publisher", PublishAsync, stoppingToken),
            supervisor.RunAsync("outbox-maintenance", MaintainAsync, stoppingToken));

    /// <summary>
    /// The running loop, pipelined: while the broker settles one batch, the database claims the next one and
    /// commits the marks of the one before, so the broker always has a batch to take (one batch in flight on the link,
    /// as <see cref="PublishBatchAsync"/> sends it). Ordering holds as between two publishers: a batch in flight keeps
    /// its rows locked and unsent until its marks commit, so the claim made meanwhile takes other cases only, and a
    /// case's next row is claimed only after the broker accepted the previous one and its mark committed. The next
    /// claim is made ahead only when the current batch is full (a smaller one means no other case is waiting).
    /// </summary>
    private async Task PublishAsync(CancellationToken stoppingToken)
    {
        Task<ClaimedBatch>? next = null;
        Task<BatchResult>? completing = null;
        IReadOnlyList<OutboxMessage> completingRows = [];
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimedAhead = next is not null;
                ClaimedBatch? batch = await (next ?? ClaimAsync(stoppingToken));
                next = null;
                try
                {
                    if (batch.Rows.Count == 0)
                    {
                        await batch.CommitAsync(stoppingToken);
                        if (completing is not null)
                        {
                            // The claim ran while earlier batches held their cases: look again once their marks are in.
                            ThrowOnOutage(await completing);
                            completing = null;
                        }
                        else if (!claimedAhead)
                        {
                            await Task.Delay(options.PollInterval, time, stoppingToken);
                        }

                        continue;
                    }

                    if (batch.Rows.Count == options.BatchSize)
                    {
                        // The rows of this batch and of the one whose marks are committing are this loop's own:
                        // leaving them out spares the claim a lock attempt on each (it would skip them anyway).
                        next = ClaimAsync(stoppingToken, [.. batch.Rows.Select(row => row.Id), .. completingRows.Select(row => row.Id)]);
                    }

                    var settled = await SendAndSettleAsync(batch.Rows, stoppingToken);
                    if (completing is not null)
                    {
                        ThrowOnOutage(await completing);
                        completing = null;
                    }

                    if (settled.SendError is not null)
                    {
                        // No connection or link: nothing was handed over, the claim rolls back.
                        ThrowOnOutage(new BatchResult(batch.Rows.Count, 0, settled.SendError));
                    }

                    // The marks commit while the next batch is with the broker.
                    completing = CompleteAsync(batch, settled);
                    completingRows = batch.Rows;
                    batch = null;
                    if (settled.Outage is not null)
                    {
                        ThrowOnOutage(await completing);
                    }
                }
                finally
                {
                    if (batch is not null)
                    {
                        await batch.DisposeAsync();
                    }
                }
            }
        }
        catch
        {
            // Stopping or failing: the marks of what the broker accepted are still recorded (they run without the
            // stopping token), and a claim made ahead rolls back; their own errors give way to the one thrown.
            await QuietlyAsync(completing);
            await DisposeQuietlyAsync(next);
            throw;
        }

        if (completing is not null)
        {
            ThrowOnOutage(await completing);
        }

        await DisposeQuietlyAsync(next);
    }

    private static void ThrowOnOutage(BatchResult batch)
    {
        if (batch.Error is not null)
        {
            // The broker is down or not answering: a loop fault, paced by the supervisor's restart pause (the one
            // back-off of background work); what it did not accept stays unsent, so nothing is lost.
            throw new BrokerSendException(batch, batch.Error);
        }
    }

    private static async Task QuietlyAsync(Task? task)
    {
        try
        {
            if (task is not null)
            {
                await task;
            }
        }
        catch (Exception)
        {
            // Already failing or stopping: the first error is the one that ends the loop.
        }
    }

    private static async Task DisposeQuietlyAsync(Task<ClaimedBatch>? claim)
    {
        try
        {
            if (claim is not null)
            {
                await (await claim).DisposeAsync();
            }
        }
        catch (Exception)
        {
            // The claim failed or was cancelled: its transaction is already gone.
        }
    }

    private async Task MaintainAsync(CancellationToken stoppingToken)
    {
        var nextSweep = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (time.GetUtcNow() >= nextSweep)
            {
                var deleted = await retention.DeleteExpiredAsync(options.Retention, stoppingToken);
                if (deleted > 0)
                {
                    LogSwept(deleted, options.RetentionDays);
                }

                nextSweep = time.GetUtcNow() + options.RetentionSweepInterval;
            }

            metrics.Observe(await status.ReadAsync(stoppingToken));
            await Task.Delay(options.StatusRefreshInterval, time, stoppingToken);
        }
    }

    /// <summary>
    /// One claim-send-mark cycle in one short transaction. The row locks keep other publishers off these cases until
    /// the marks commit. Accepted rows are marked published; refused ones count a failed send and are parked when
    /// refused for good or after <see cref="PublishingOptions.ParkAfterFailures"/>; the rest stay unsent (and still
    /// block their case's later rows). <see cref="BatchResult.Error"/> is set only when the broker settled nothing:
    /// it is down, and the running loop fails.
    /// </summary>
    /// <remarks><see cref="EndedBatches"/> counts the batch when its transaction ends, however it ends.</remarks>
    public async Task<BatchResult> PublishBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await ClaimAsync(cancellationToken);
        var completing = false;
        try
        {
            if (batch.Rows.Count == 0)
            {
                await batch.CommitAsync(cancellationToken);
                return new BatchResult(0, 0, null);
            }

            var settled = await SendAndSettleAsync(batch.Rows, cancellationToken);
            if (settled.SendError is not null)
            {
                // No connection or link: nothing was handed over, the claim rolls back.
                return new BatchResult(batch.Rows.Count, 0, settled.SendError);
            }

            completing = true;
            return await CompleteAsync(batch, settled);
        }
        finally
        {
            if (!completing)
            {
                await batch.DisposeAsync();
            }
        }
    }

    /// <summary>Claims the next batch in a transaction of its own (the rows stay locked until it ends).</summary>
    private async Task<ClaimedBatch> ClaimAsync(CancellationToken cancellationToken, long[]? held = null)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var rows = await OutboxStore.ClaimAsync(transaction, options.BatchSize, cancellationToken, held);
            return new ClaimedBatch(connection, transaction, rows, EndedBatches);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            EndedBatches.Finished();
            throw;
        }
    }

    private async Task<Settled> SendAndSettleAsync(IReadOnlyList<OutboxMessage> claimed, CancellationToken cancellationToken)
    {
        SendResult result;
        try
        {
            result = await sender.SendAsync(claimed, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Settled([], [], null, exception);
        }

        var (accepted, failed, outage) = await SettleAsync(claimed, result, cancellationToken);
        return new Settled(accepted, failed, outage, null);
    }

    /// <summary>Marks what the broker accepted, counts and parks what it refused, commits, and ends the batch.</summary>
    private async Task<BatchResult> CompleteAsync(ClaimedBatch batch, Settled settled)
    {
        await using (batch)
        {
            var (accepted, failed, outage, _) = settled;

            // The broker has these messages now: record that even while shutting down, or they would all be sent again.
            var now = DatabaseClock.Now(time);
            await OutboxStore.MarkPublishedAsync(batch.Transaction, accepted, now, CancellationToken.None);
            var parked = await OutboxStore.RecordRefusalsAsync(batch.Transaction, failed, options.ParkAfterFailures, now, CancellationToken.None);
            await batch.CommitAsync(CancellationToken.None);
            metrics.Sent(accepted.Count);
            metrics.Failed(batch.Rows.Count - accepted.Count);
            metrics.Parked(parked.Count);
            foreach (var id in parked)
            {
                var reason = failed.First(refusal => refusal.Id == id);
                LogParked(id, reason.Final ? "refused for good" : $"failed {options.ParkAfterFailures} sends", reason.Error);
            }

            return new BatchResult(batch.Rows.Count, accepted.Count, outage, parked.Count);
        }
    }

    /// <summary>
    /// Works out which messages failed through their own fault. Refusals (rejected, released) are theirs. When the
    /// link broke under a pipelined batch, the broker may have ended it because of one message (RabbitMQ's AMQP 1.0
    /// plugin ends the session when a queue refuses a message): the unsettled messages are then sent again one by
    /// one, each on a link that was just opened, so a failure is the message's own. A broker that cannot be reached
    /// or does not answer is an outage, which counts against no message.
    /// </summary>
    private async Task<(List<long> Accepted, List<RefusedMessage> Failed, Exception? Outage)> SettleAsync(
        IReadOnlyList<OutboxMessage> claimed, SendResult result, CancellationToken cancellationToken)
    {
        var accepted = result.Accepted.ToList();
        var failed = result.Refused.ToList();
        if (result.NoAnswer)
        {
            return (accepted, failed, result.FirstError ?? new TimeoutException("The broker settled no message of the batch."));
        }

        if (!result.LinkBroke || result.Unsettled.Count == 0)
        {
            return (accepted, failed, null);
        }

        var error = result.FirstError?.Message ?? "the link closed while the message was sent";
        if (result.Unsettled.Count == 1)
        {
            // The only message the broker did not settle when it closed the link.
            failed.Add(new RefusedMessage(result.Unsettled[0], error, Final: false));
            return (accepted, failed, null);
        }

        var unsettled = result.Unsettled.ToHashSet();
        foreach (var message in claimed.Where(message => unsettled.Contains(message.Id)))
        {
            SendResult single;
            try
            {
                single = await sender.SendAsync([message], cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (accepted, failed, exception);
            }

            accepted.AddRange(single.Accepted);
            failed.AddRange(single.Refused);
            if (single.NoAnswer)
            {
                return (accepted, failed, single.FirstError);
            }

            if (single.LinkBroke && single.Unsettled.Count == 1)
            {
                failed.Add(new RefusedMessage(message.Id, single.FirstError?.Message ?? error, Final: false));
            }
        }

        return (accepted, failed, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} published outbox rows older than {Days} days")]
    private partial void LogSwept(long count, int days);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {Id} is parked ({Why}: {Reason}); its case's later messages wait behind it. `outbox retry {Id}` or `outbox skip {Id}` releases them.")]
    private partial void LogParked(long id, string why, string reason);
}

/// <summary>What the broker did with a claimed batch, or the error that kept it from being handed over at all.</summary>
internal sealed record Settled(List<long> Accepted, List<RefusedMessage> Failed, Exception? Outage, Exception? SendError);

/// <summary>
/// A claimed batch: its rows and the transaction holding their locks, on a connection of its own. Disposing it
/// rolls back what was not committed, returns the connection and counts the batch as ended.
/// </summary>
internal sealed class ClaimedBatch(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxMessage> rows, PassCounter ended)
    : IAsyncDisposable
{
    private bool _disposed;

    public IReadOnlyList<OutboxMessage> Rows => rows;

    public NpgsqlTransaction Transaction => transaction;

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
        finally
        {
            ended.Finished();
        }
    }
}

/// <summary>What one cycle did: rows claimed, rows the broker accepted, the error when the broker settled nothing, and rows parked.</summary>
internal sealed record BatchResult(int Claimed, int Sent, Exception? Error, int Parked = 0);

/// <summary>The broker settled none of a batch's messages.</summary>
internal sealed class BrokerSendException(BatchResult batch, Exception inner)
    : Exception($"The broker accepted {batch.Sent} of {batch.Claimed} messages: {inner.Message}", inner);
