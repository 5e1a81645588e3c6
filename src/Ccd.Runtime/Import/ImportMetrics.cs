using System.Diagnostics.Metrics;
using Ccd.Runtime.Telemetry;

namespace Ccd.Runtime.Import;

/// <summary>Counts what <c>import</c> writes, per case type.</summary>
internal static class ImportMetrics
{
    private static readonly Counter<long> Cases = CcdTelemetry.Meter.CreateCounter<long>("ccd.import.cases", description: "Cases written (new or changed) by import.");
    private static readonly Counter<long> Events = CcdTelemetry.Meter.CreateCounter<long>("ccd.import.events", description: "History events added by import.");

    public static void Copied(string caseTypeId, long cases, long events)
    {
        var tag = new KeyValuePair<string, object?>("case_type", caseTypeId);
        Cases.Add(cases, tag);
        Events.Add(events, tag);
    }
}
