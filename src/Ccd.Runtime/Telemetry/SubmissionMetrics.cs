using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ccd.Runtime.Telemetry;

/// <summary>The submission path's instruments: latency of every submit, optimistic-lock conflicts and idempotent replays, per case type.</summary>
internal static class SubmissionMetrics
{
    private static readonly Histogram<double> Duration = CcdTelemetry.Meter.CreateHistogram<double>(
        "ccd.submit.duration", unit: "s", description: "Time to answer a submit on /ccd-persistence/cases, by case type and outcome.");

    private static readonly Counter<long> Conflicts = CcdTelemetry.Meter.CreateCounter<long>(
        "ccd.submit.conflicts", description: "Submits refused with 409 because the case changed since the user started the event.");

    private static readonly Counter<long> Replays = CcdTelemetry.Meter.CreateCounter<long>(
        "ccd.submit.replays", description: "Submits answered from the stored response of an already committed idempotency key.");

    /// <summary>Records one answered submit; <paramref name="outcome"/> is a small fixed word (created, updated, replayed, conflict, rejected, failed).</summary>
    public static void Submitted(string caseTypeId, string outcome, TimeSpan elapsed) =>
        Duration.Record(elapsed.TotalSeconds, new TagList { { "case_type", caseTypeId }, { "outcome", outcome } });

    public static void Conflict(string caseTypeId) => Conflicts.Add(1, new KeyValuePair<string, object?>("case_type", caseTypeId));

    public static void Replayed(string caseTypeId) => Replays.Add(1, new KeyValuePair<string, object?>("case_type", caseTypeId));
}
