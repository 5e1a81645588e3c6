using Ccd.Runtime.Database;
using Ccd.Runtime.Telemetry;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// Drains <c>ccd.es_queue</c> to Elasticsearch: <see cref="SearchIndexingOptions.Concurrency"/> loops run
/// passes back to back while batches come full, then sleep until a notification, the next due row (back-off
/// or lease end), or the fallback poll, whichever is first. Each loop and the listener run under the
/// <see cref="WorkerSupervisor"/>, which restarts them after any failure (the database going away included).
/// </summary>
internal sealed class SearchIndexingWorker(
    SearchIndexer indexer,
    QueueNotificationListener listener,
    WakeSignal signal,
    NpgsqlDataSource dataSource,
    WorkerSupervisor supervisor,
    IOptions<SearchIndexingOptions> options,
    TimeProvider time,
    ILogger<SearchIndexingWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        logger.LogInformation("Search indexing is on: draining ccd.es_queue to {Url} ({Loops} loops, batches of {BatchSize}).",
            LogRedaction.Url(settings.Url), settings.Concurrency, settings.BatchSize);
        var loops = Enumerable.Range(1, settings.Concurrency).Select(n => supervisor.RunAsync($"search-indexing-{n}", DrainAsync, stoppingToken));
        return Task.WhenAll(loops.Append(supervisor.RunAsync("search-indexing-listener", listener.RunAsync, stoppingToken)));
    }

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var poll = TimeSpan.FromSeconds(settings.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Next;
            var claimed = await indexer.RunPassAsync(stoppingToken);
            if (claimed >= settings.BatchSize)
            {
                continue;
            }

            var wait = await UntilNextDueAsync(poll, stoppingToken);
            if (wait > TimeSpan.Zero)
            {
                await WaitAsync(wake, wait, stoppingToken);
            }
        }
    }

    private async Task<TimeSpan> UntilNextDueAsync(TimeSpan poll, CancellationToken cancellationToken)
    {
        var due = await IndexQueue.NextDueAsync(dataSource, cancellationToken);
        if (due is null)
        {
            return poll;
        }

        var now = DatabaseClock.Now(time);
        var until = due.Value - now;
        // A row due now was skipped only because another loop held it for a moment: look again shortly, not at once.
        return until <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(20) : (until < poll ? until : poll);
    }

    private async Task WaitAsync(Task wake, TimeSpan wait, CancellationToken stoppingToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, time, timer.Token);
        await Task.WhenAny(wake, delay);
        await timer.CancelAsync();
        try
        {
            await delay;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
