using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ccd.Runtime.Telemetry;

namespace Ccd.Runtime.Jobs;

/// <summary>
/// The job metrics. Gauges read the counts the worker last measured (once per poll) rather than querying the
/// database inside a metrics collection callback, which must not block.
/// </summary>
internal sealed class JobMetrics : IDisposable
{
    // Instruments are created once per process; each live worker (one per host, several in tests) reports its own.
    private static readonly ConcurrentDictionary<JobMetrics, byte> Live = new();

    private static readonly Counter<long> Completed = CcdTelemetry.Meter.CreateCounter<long>(
        "ccd.jobs.completed", "{job}", "Jobs whose handler succeeded.");

    private static readonly Counter<long> AttemptsFailed = CcdTelemetry.Meter.CreateCounter<long>(
        "ccd.jobs.attempts_failed", "{attempt}", "Job attempts that threw; the job is retried or, after the maximum, failed.");

    private static readonly Counter<long> Exhausted = CcdTelemetry.Meter.CreateCounter<long>(
        "ccd.jobs.exhausted", "{job}", "Jobs marked failed after their last attempt.");

    static JobMetrics()
    {
        CcdTelemetry.Meter.CreateObservableGauge("ccd.jobs.queued", () => Observe(stats => stats.Queued), "{job}", "Jobs waiting to run (due or backing off).");
        CcdTelemetry.Meter.CreateObservableGauge("ccd.jobs.running", () => Observe(stats => stats.Running), "{job}", "Jobs claimed by a worker.");
        CcdTelemetry.Meter.CreateObservableGauge("ccd.jobs.failed", () => Observe(stats => stats.Failed), "{job}", "Jobs that ran out of attempts (see `jobs list --failed`).");
        CcdTelemetry.Meter.CreateObservableGauge("ccd.jobs.oldest_due_age", () => Observe(stats => stats.OldestDueAge.TotalSeconds), "s",
            "How long the longest-waiting due job has been due: grows when workers fall behind or stop.");
    }

    public JobMetrics() => Live.TryAdd(this, 0);

    /// <summary>The counts last measured.</summary>
    public JobStats Current { get; private set; } = new(0, 0, 0, TimeSpan.Zero);

    public void Update(JobStats stats) => Current = stats;

    public static void RecordCompleted(string kind) => Completed.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void RecordFailedAttempt(string kind, bool final)
    {
        AttemptsFailed.Add(1, new KeyValuePair<string, object?>("kind", kind));
        if (final)
        {
            Exhausted.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    public void Dispose() => Live.TryRemove(this, out _);

    private static List<Measurement<T>> Observe<T>(Func<JobStats, T> value)
        where T : struct =>
        Live.Keys.Select(metrics => new Measurement<T>(value(metrics.Current))).ToList();
}
