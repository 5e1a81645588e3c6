using System.Diagnostics.Metrics;
using Ccd.Runtime.Telemetry;

namespace Ccd.Runtime.Import;

/// <summary>Counts what <c>import</c> copies, per case type: cases (each once, however often it is rewritten) and events.</summary>
internal static class ImportMetrics
{
    private static readonly Counter<long> Cases = CcdTelemetry.Meter.CreateCounter<long>("ccd.import.cases", description: "Cases imported for the first time (a case rewritten later is not counted again).");
    private static readonly Counter<long> Events = CcdTelemetry.Meter.CreateCounter<long>("ccd.import.events", description: "History events added by import.");

    public static void Copied(string caseTypeId, long cases, long events)
    {
        var tag = new KeyValuePair<string, object?>("case_type", caseTypeId);
        Cases.Add(cases, tag);
        Events.Add(events, tag);
    }
}
