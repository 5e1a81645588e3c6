using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ccd.Runtime.Telemetry;

namespace Ccd.Runtime.Workers;

/// <summary>
/// The supervisor's instruments: <c>ccd.worker.restarts</c> (a loop failed and is restarted; tag <c>loop</c>) and
/// <c>ccd.worker.down</c> (1 while a loop waits for its restart). Created once per process; every live supervisor
/// (one per host, several in tests) reports its own loops.
/// </summary>
internal static class WorkerMetrics
{
    private static readonly ConcurrentDictionary<WorkerSupervisor, byte> Live = new();

    private static readonly Counter<long> Restarts = CcdTelemetry.Meter.CreateCounter<long>(
        "ccd.worker.restarts", "{restart}", "Background loops that failed unexpectedly and were restarted after a pause (tag loop).");

    static WorkerMetrics()
    {
        CcdTelemetry.Meter.CreateObservableGauge("ccd.worker.down", ObserveDown, "{loop}",
            "1 while a background loop is down, waiting for its restart (tag loop).");
    }

    public static void Track(WorkerSupervisor supervisor) => Live.TryAdd(supervisor, 0);

    public static void Untrack(WorkerSupervisor supervisor) => Live.TryRemove(supervisor, out _);

    public static void RecordRestart(string loop) => Restarts.Add(1, new KeyValuePair<string, object?>("loop", loop));

    private static List<Measurement<int>> ObserveDown() =>
        Live.Keys.SelectMany(supervisor => supervisor.Snapshot())
            .Select(loop => new Measurement<int>(loop.Status == LoopStatus.Down ? 1 : 0, new KeyValuePair<string, object?>("loop", loop.Name)))
            .ToList();
}
