using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ccd.Runtime.Telemetry;

/// <summary>The runtime's one meter and activity source; each feature creates its instruments from them.</summary>
internal static class CcdTelemetry
{
    /// <summary>The name of the runtime's meter and activity source (subscribe to it in OpenTelemetry).</summary>
    public const string Name = "Ccd.Runtime";

    public static readonly Meter Meter = new(Name);

    public static readonly ActivitySource ActivitySource = new(Name);
}
