using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccd.Runtime.Publishing;

/// <summary>
/// The background publisher: claims the oldest unsent row of each case, sends the batch to the broker, marks what
/// the broker accepted as published, and repeats; backs off (capped exponential) while the broker or the database
/// is down; sweeps old published rows. Any number of publishers (replicas) may run against one database.
/// </summary>
internal sealed class OutboxPublisher(
    NpgsqlDataSource dataSource,
    AmqpOutboxSender sender,
    OutboxRetention retention,
    OutboxStatus status,
    PublishingMetrics metrics,
    PublishingOptions options,
    TimeProvider time,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var nextSweep = time.GetUtcNow();
        var nextStatus = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan pause;
            try
            {
                if (time.GetUtcNow() >= nextSweep)
                {
                    var deleted = await retention.DeleteExpiredAsync(options.Retention, stoppingToken);
                    if (deleted > 0)
                    {
                        logger.LogInformation("Deleted {Count} published outbox rows older than {Days} days", deleted, options.RetentionDays);
                    }

                    nextSweep = time.GetUtcNow() + options.RetentionSweepInterval;
                }

                if (time.GetUtcNow() >= nextStatus)
                {
                    metrics.Observe(await status.ReadAsync(stoppingToken));
                    nextStatus = time.GetUtcNow() + options.StatusRefreshInterval;
                }

                var batch = await PublishBatchAsync(stoppingToken);
                if (batch.Error is not null)
                {
                    throw new BrokerSendException(batch, batch.Error);
                }

                failures = 0;
                // More may be waiting (the next events of the cases just sent): go again at once.
                pause = batch.Claimed > 0 ? TimeSpan.Zero : options.PollInterval;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                pause = Backoff(failures);
                logger.LogWarning(exception, "Publishing failed ({Failures} in a row); retrying in {Pause}", failures, pause);
            }

            if (pause > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(pause, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// One claim-send-mark cycle in one short transaction. The row locks keep other publishers off these cases until
    /// the marks commit; rows the broker did not accept stay unsent (and still block their case's later rows).
    /// </summary>
    public async Task<BatchResult> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = await OutboxStore.ClaimAsync(transaction, options.BatchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return new BatchResult(0, 0, null);
        }

        var result = await sender.SendAsync(claimed, cancellationToken);
        // The broker has these messages now: record that even while shutting down, or they would all be sent again.
        var publishedAt = DateTime.SpecifyKind(time.GetUtcNow().UtcDateTime, DateTimeKind.Unspecified);
        await OutboxStore.MarkPublishedAsync(transaction, result.Accepted, publishedAt, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        metrics.Sent(result.Accepted.Count);
        metrics.Failed(claimed.Count - result.Accepted.Count);
        return new BatchResult(claimed.Count, result.Accepted.Count, result.FirstError);
    }

    private TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 20));
        var pause = TimeSpan.FromTicks((long)Math.Min(options.InitialBackoff.Ticks * factor, options.MaxBackoff.Ticks));
        return pause < options.InitialBackoff ? options.InitialBackoff : pause;
    }
}

/// <summary>What one cycle did: rows claimed, rows the broker accepted, and the first send error if any.</summary>
internal sealed record BatchResult(int Claimed, int Sent, Exception? Error);

/// <summary>Some messages of a batch were not accepted by the broker.</summary>
internal sealed class BrokerSendException(BatchResult batch, Exception inner)
    : Exception($"The broker accepted {batch.Sent} of {batch.Claimed} messages: {inner.Message}", inner);
