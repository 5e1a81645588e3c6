using System.Diagnostics.Metrics;
using Ccd.Runtime.Telemetry;

namespace Ccd.Runtime.Retention;

internal static class RetentionMetrics
{
    private static readonly Counter<long> Disposed = CcdTelemetry.Meter.CreateCounter<long>(
        "ccd.retention.disposed", description: "Cases disposed of by retention, per case type.");

    private static readonly Counter<long> Retained = CcdTelemetry.Meter.CreateCounter<long>(
        "ccd.retention.retained", description: "Cases past their TTL that the case type's policy kept.");

    private static readonly Counter<long> Refused = CcdTelemetry.Meter.CreateCounter<long>(
        "ccd.retention.refused_runs", description: "Retention runs refused by the circuit breaker.");

    public static void CaseDisposed(string caseTypeId) => Disposed.Add(1, new KeyValuePair<string, object?>("case_type", caseTypeId));

    public static void CaseRetained(string caseTypeId) => Retained.Add(1, new KeyValuePair<string, object?>("case_type", caseTypeId));

    public static void RunRefused() => Refused.Add(1);
}
