using Ccd.Runtime.Commands;
using Ccd.Runtime.Publishing;
using Ccd.Runtime.Status;
using Ccd.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Publishing;

/// <summary>What an operator sees of one parked message with two held behind it, whatever parked it.</summary>
internal static class ParkedMessageChecks
{
    /// <summary>
    /// Asserts that <c>status</c>, the publishing gauges, readiness and <c>outbox parked</c> all show the parked
    /// message; returns the store the commands use and the listing <c>outbox parked</c> printed.
    /// </summary>
    public static async Task<(OutboxParkedStore Store, string Listing)> AssertShownAsync(
        NpgsqlDataSource dataSource, PublishingMetrics metrics, long parked, CancellationToken token)
    {
        var snapshot = await new OutboxStatus(dataSource, TimeProvider.System).ReadAsync(token);
        Assert.Equal((0L, 1L, 2L), (snapshot.UnsentCount, snapshot.ParkedCount, snapshot.HeldCount));
        var report = await new StatusReader(dataSource, TimeProvider.System).ReadAsync(token);
        Assert.Equal(1, report.OutboxParked);
        Assert.Contains("1 parked", StatusCommand.Render(report), StringComparison.Ordinal);
        metrics.Observe(snapshot);
        var health = await new OutboxHealthCheck(metrics).CheckHealthAsync(new HealthCheckContext(), token);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        var store = new OutboxParkedStore(dataSource);
        var listing = new StringWriter();
        Assert.Equal(0, await OutboxCommand.ListAsync(store, listing, token));
        Assert.Contains($"{parked}\t{OutboxSeed.FirstReference}\tupdateCase\t", listing.ToString(), StringComparison.Ordinal);
        return (store, listing.ToString());
    }
}
