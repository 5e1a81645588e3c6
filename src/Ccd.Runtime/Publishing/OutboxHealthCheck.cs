using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ccd.Runtime.Publishing;

/// <summary>
/// Part of readiness while publishing is on: Degraded (still 200) while messages are parked, since each holds its
/// case's later messages until an operator runs <c>outbox retry</c> or <c>outbox skip</c>. It reads the figures the
/// publisher's maintenance loop last measured, so it costs no query.
/// </summary>
internal sealed class OutboxHealthCheck(PublishingMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var last = metrics.Last;
        if (last is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Outbox not measured yet."));
        }

        var data = new Dictionary<string, object> { ["unsent"] = last.UnsentCount, ["parked"] = last.ParkedCount, ["held"] = last.HeldCount };
        return Task.FromResult(last.ParkedCount > 0
            ? HealthCheckResult.Degraded($"{last.ParkedCount} outbox message(s) parked, holding {last.HeldCount} later message(s) of their cases: see `outbox parked`.", data: data)
            : HealthCheckResult.Healthy($"{last.UnsentCount} outbox message(s) unsent.", data));
    }
}
