using Ccd.Runtime.Database;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccd.Runtime.Publishing;

/// <summary>
/// The background publisher: claims the oldest unsent row of each case, sends the batch to the broker, marks what
/// the broker accepted as published, parks what it refused for good, and repeats; a broker that is down or does not
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

    private async Task PublishAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var batch = await PublishBatchAsync(stoppingToken);
            if (batch.Error is not null)
            {
                // The broker is down or not answering: a loop fault, paced by the supervisor's restart pause (the one
                // back-off of background work); the claim was rolled back, so nothing is lost.
                throw new BrokerSendException(batch, batch.Error);
            }

            // More may be waiting (the next events of the cases just sent): go again at once.
            if (batch.Claimed == 0)
            {
                await Task.Delay(options.PollInterval, time, stoppingToken);
            }
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
    public async Task<BatchResult> PublishBatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await BatchAsync(cancellationToken);
        }
        finally
        {
            EndedBatches.Finished();
        }
    }

    private async Task<BatchResult> BatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = await OutboxStore.ClaimAsync(transaction, options.BatchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return new BatchResult(0, 0, null);
        }

        SendResult result;
        try
        {
            result = await sender.SendAsync(claimed, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // No connection or link: nothing was handed over, the claim rolls back.
            return new BatchResult(claimed.Count, 0, exception);
        }

        var (accepted, failed, outage) = await SettleAsync(claimed, result, cancellationToken);

        // The broker has these messages now: record that even while shutting down, or they would all be sent again.
        var now = DatabaseClock.Now(time);
        await OutboxStore.MarkPublishedAsync(transaction, accepted, now, CancellationToken.None);
        var parked = await OutboxStore.RecordRefusalsAsync(transaction, failed, options.ParkAfterFailures, now, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        metrics.Sent(accepted.Count);
        metrics.Failed(claimed.Count - accepted.Count);
        metrics.Parked(parked.Count);
        foreach (var id in parked)
        {
            var reason = failed.First(refusal => refusal.Id == id);
            LogParked(id, reason.Final ? "refused for good" : $"failed {options.ParkAfterFailures} sends", reason.Error);
        }

        return new BatchResult(claimed.Count, accepted.Count, outage, parked.Count);
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

/// <summary>What one cycle did: rows claimed, rows the broker accepted, the error when the broker settled nothing, and rows parked.</summary>
internal sealed record BatchResult(int Claimed, int Sent, Exception? Error, int Parked = 0);

/// <summary>The broker settled none of a batch's messages.</summary>
internal sealed class BrokerSendException(BatchResult batch, Exception inner)
    : Exception($"The broker accepted {batch.Sent} of {batch.Claimed} messages: {inner.Message}", inner);
