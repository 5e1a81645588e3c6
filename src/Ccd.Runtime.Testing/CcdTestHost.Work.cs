using System.Globalization;
using Ccd.Runtime.Database;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Publishing;
using Ccd.Runtime.SearchIndexing;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NpgsqlTypes;

namespace Ccd.Runtime.Testing;

/// <summary>The host's background work, driven by the test: its clock, its jobs, its search queue and its outbox.</summary>
public sealed partial class CcdTestHost
{
    private static readonly TimeSpan DefaultCeiling = TimeSpan.FromSeconds(60);

    // Rows a pass may still claim: due now and not waiting for their back-off (another loop may hold them for a moment).
    private const string SearchQueueLeftSql = "SELECT count(*) FROM ccd.es_queue WHERE next_attempt_at IS NULL OR next_attempt_at <= @now";

    // Unsent messages a batch may still claim: not parked and not behind a parked message of their case.
    private const string OutboxLeftSql = """
        SELECT count(*) FROM ccd.message_queue_candidates m
        WHERE m.published IS NULL AND m.parked_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM ccd.message_queue_candidates p
                          WHERE p.reference = m.reference AND p.published IS NULL AND p.parked_at IS NOT NULL AND p.id < m.id)
        """;

    /// <summary>
    /// The application's clock, when it is a <see cref="FakeTimeProvider"/> (passed to <see cref="StartAsync"/>, or
    /// registered as the <see cref="TimeProvider"/> by the test's services). The runtime reads every time from it:
    /// event times, job back-off and leases, worker polls.
    /// </summary>
    /// <exception cref="InvalidOperationException">The application runs on another clock (the system's).</exception>
    public FakeTimeProvider Time =>
        Services.GetRequiredService<TimeProvider>() as FakeTimeProvider
        ?? throw new InvalidOperationException("The host runs on the system clock: pass time: new FakeTimeProvider(start) to CcdTestHost.StartAsync to move it.");

    /// <summary>Moves the application's clock (<see cref="Time"/>) on by <paramref name="by"/>; timers due by then fire.</summary>
    public void AdvanceTime(TimeSpan by) => Time.Advance(by);

    /// <summary>
    /// Runs every job due now (by the application's clock) in this call, batch after batch until none is left, and
    /// answers each attempt's outcome in the order they ended. A failed attempt is retried after its back-off: move the
    /// clock (<see cref="AdvanceTime"/>) and run again. Jobs the hosted worker runs meanwhile are not reported: start
    /// the host with <c>Ccd:Jobs:Enabled=false</c> so that jobs run only when the test says.
    /// </summary>
    public async Task<IReadOnlyList<CcdJobRun>> RunDueJobsAsync(CancellationToken cancellationToken = default)
    {
        var worker = Services.GetRequiredService<JobWorker>();
        var runs = new List<CcdJobRun>();
        for (IReadOnlyList<JobAttemptOutcome> batch; (batch = await worker.RunDueBatchAsync(cancellationToken)).Count > 0;)
        {
            runs.AddRange(batch.Select(CcdJobRun.Of));
        }

        return runs;
    }

    /// <summary>
    /// Indexes every case the search queue holds that is due (search indexing must be configured,
    /// <c>Ccd:Elasticsearch:Url</c>): runs indexing passes itself until none is left, and when another loop holds the
    /// last ones, waits for that loop's pass to end, never polling. A case waiting for its back-off after a refused
    /// document stays queued: move the clock and drain again. A pass that fails (Elasticsearch down) throws.
    /// </summary>
    /// <param name="ceiling">A liveness limit (default 60 s), only reached when another loop holds rows and never ends its pass.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="InvalidOperationException">Search indexing is not configured.</exception>
    /// <exception cref="TimeoutException">Rows held by another loop were not released within <paramref name="ceiling"/>.</exception>
    public Task WaitForSearchQueueDrainedAsync(TimeSpan? ceiling = null, CancellationToken cancellationToken = default)
    {
        var indexer = Services.GetService<SearchIndexer>()
            ?? throw new InvalidOperationException("Search indexing is off (Ccd:Elasticsearch:Url is not set): nothing drains the search queue.");
        return DrainAsync("the search queue to drain", indexer.EndedPasses, indexer.RunPassAsync, SearchQueueLeftSql, ceiling, cancellationToken);
    }

    /// <summary>
    /// Publishes every outbox message that can be published (publishing must be configured, <c>Ccd:Publishing</c>):
    /// runs publishing batches itself until none is left, and when another publisher holds the last ones, waits for
    /// its batch to end, never polling. A parked message (see <c>outbox parked</c>) and the later messages of its case
    /// stay unsent. A broker that takes nothing throws.
    /// </summary>
    /// <param name="ceiling">A liveness limit (default 60 s), only reached when another publisher holds rows and never ends its batch.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="InvalidOperationException">Publishing is not configured, or the broker took nothing.</exception>
    /// <exception cref="TimeoutException">Rows held by another publisher were not released within <paramref name="ceiling"/>.</exception>
    public Task WaitForOutboxDrainedAsync(TimeSpan? ceiling = null, CancellationToken cancellationToken = default)
    {
        var publisher = Services.GetService<OutboxPublisher>()
            ?? throw new InvalidOperationException("Publishing is off (Ccd:Publishing:Address is not set): nothing drains the outbox.");
        return DrainAsync("the outbox to drain", publisher.EndedBatches, async token =>
        {
            var batch = await publisher.PublishBatchAsync(token);
            return batch.Error is null
                ? batch.Claimed
                : throw new InvalidOperationException($"The broker took none of {batch.Claimed} outbox messages: {batch.Error.Message}", batch.Error);
        }, OutboxLeftSql, ceiling, cancellationToken);
    }

    private async Task DrainAsync(
        string what, PassCounter passes, Func<CancellationToken, Task<int>> pass, string leftSql, TimeSpan? ceiling, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ceiling ?? DefaultCeiling); // wall clock on purpose: a liveness limit, not the application's time
        long left = 0;
        try
        {
            while (true)
            {
                var before = passes.Count;
                if (await pass(limit.Token) > 0)
                {
                    continue;
                }

                left = await LeftAsync(leftSql, limit.Token);
                if (left == 0)
                {
                    return;
                }

                // Another loop holds them: its pass (ending after this one) releases or finishes them.
                await passes.WaitBeyondAsync(before + 1, limit.Token);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited in vain for {what}: {left} left, held by another loop.");
        }
    }

    private async Task<long> LeftAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Database.CreateCommand(sql);
        command.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, DatabaseClock.Now(Services.GetRequiredService<TimeProvider>()));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
