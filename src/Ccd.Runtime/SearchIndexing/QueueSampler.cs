using Ccd.Runtime.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// Samples queue depth and oldest age for the metrics, whether indexing is on or off (with it off the queue
/// still grows and operators must see it). It also says at start-up when indexing is off.
/// </summary>
internal sealed class QueueSampler(
    NpgsqlDataSource dataSource,
    SearchIndexingMetrics metrics,
    WorkerSupervisor supervisor,
    IOptions<SearchIndexingOptions> options,
    TimeProvider time,
    ILogger<QueueSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.LogInformation("Search indexing is off: {Key} is not set; changes stay queued in ccd.es_queue.", SearchIndexingOptions.SectionName + ":Url");
        }

        var interval = TimeSpan.FromSeconds(settings.QueueSampleSeconds);
        await supervisor.RunAsync("search-queue-sampler", async cancellationToken =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                metrics.Update(await QueueStatistics.ReadAsync(dataSource, time, cancellationToken));
                await Task.Delay(interval, time, cancellationToken);
            }
        }, stoppingToken);
    }
}
