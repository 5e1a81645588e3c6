using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// Part of readiness: Degraded (still 200) when the oldest queued change is older than
/// <see cref="SearchIndexingOptions.DegradedAfterSeconds"/> while indexing is on, so operators see a stalled
/// indexer without the service leaving the load balancer. With indexing off it only reports the queue.
/// </summary>
internal sealed class SearchIndexHealthCheck(NpgsqlDataSource dataSource, IOptions<SearchIndexingOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        QueueSample sample;
        try
        {
            sample = await QueueStatistics.ReadAsync(dataSource, time, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException)
        {
            // The database check reports the outage; this one only says the queue is unknown.
            return HealthCheckResult.Degraded("Search queue unknown: the database did not answer.");
        }

        var data = new Dictionary<string, object>
        {
            ["queueDepth"] = sample.Depth,
            ["oldestAgeSeconds"] = Math.Round(sample.OldestAge.TotalSeconds, 1),
            ["indexing"] = settings.Enabled ? "on" : "off",
        };
        if (!settings.Enabled)
        {
            return HealthCheckResult.Healthy($"Search indexing off; {sample.Depth} case(s) queued.", data);
        }

        return sample.OldestAge > TimeSpan.FromSeconds(settings.DegradedAfterSeconds)
            ? HealthCheckResult.Degraded($"The oldest queued search change is {sample.OldestAge.TotalSeconds:F0} s old (threshold {settings.DegradedAfterSeconds} s); {sample.Depth} case(s) queued.", data: data)
            : HealthCheckResult.Healthy($"{sample.Depth} case(s) queued.", data);
    }
}
