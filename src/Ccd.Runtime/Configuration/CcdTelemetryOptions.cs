namespace Ccd.Runtime.Configuration;

/// <summary>Where the runtime's traces and metrics go (<c>Ccd:Telemetry</c>).</summary>
public sealed class CcdTelemetryOptions
{
    /// <summary>
    /// OTLP collector endpoint (for example <c>http://otel-collector:4317</c>). When neither this nor the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set, nothing is exported over OTLP.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Records traces of requests, SQL statements and the runtime's work. Unset: on exactly when an OTLP endpoint is
    /// configured, since spans that nobody exports cost CPU on every request (a fifth of a one-case read's). Set it
    /// to true when the service exports or processes traces itself (<c>ConfigureOpenTelemetryTracerProvider</c>).
    /// </summary>
    public bool? TracingEnabled { get; set; }

    /// <summary>Serves the metrics in Prometheus text format at <c>/metrics</c> (unauthenticated: expose it on an internal port only). Default off.</summary>
    public bool PrometheusEnabled { get; set; }
}
