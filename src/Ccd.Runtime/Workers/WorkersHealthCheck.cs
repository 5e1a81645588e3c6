using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ccd.Runtime.Workers;

/// <summary>
/// Part of readiness: Unhealthy while any background loop is down (failed, waiting for its restart); Degraded
/// while one restarted at least <see cref="WorkerOptions.DegradedRestarts"/> times within
/// <see cref="WorkerOptions.DegradedWindowSeconds"/>; Healthy otherwise. The data lists every loop.
/// </summary>
internal sealed class WorkersHealthCheck(WorkerSupervisor supervisor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var loops = supervisor.Snapshot();
        var data = loops.ToDictionary(
            loop => loop.Name,
            loop => (object)$"{loop.Status.ToString().ToLowerInvariant()}, {loop.RecentRestarts} restart(s) in the last {supervisor.Options.DegradedWindowSeconds} s");
        var down = loops.Where(loop => loop.Status == LoopStatus.Down).ToList();
        if (down.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                "Background loop(s) down, waiting to restart: " + string.Join("; ", down.Select(loop => $"{loop.Name} ({loop.LastError})")), data: data));
        }

        var flapping = loops.Where(loop => loop.RecentRestarts >= supervisor.Options.DegradedRestarts).ToList();
        if (flapping.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded(
                "Background loop(s) restarting too often: " + string.Join("; ", flapping.Select(loop => $"{loop.Name} {loop.RecentRestarts} times (last: {loop.LastError})")), data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{loops.Count(loop => loop.Status == LoopStatus.Running)} background loop(s) running.", data));
    }
}
