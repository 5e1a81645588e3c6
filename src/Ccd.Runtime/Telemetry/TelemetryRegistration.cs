using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ccd.Runtime.Telemetry;

/// <summary>OpenTelemetry for the runtime: traces of requests, SQL and runtime work; metrics of the same; OTLP and Prometheus export.</summary>
internal static class TelemetryRegistration
{
    public const string MetricsPath = "/metrics";

    // The standard variable the OTLP exporter reads by itself; checked here only to decide whether to add it.
    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddCcdTelemetry(this IServiceCollection services, IConfiguration configuration, CcdTelemetryOptions options, string serviceName)
    {
        var otlpEndpoint = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? configuration[OtlpEndpointVariable] : options.OtlpEndpoint;
        var exportOtlp = !string.IsNullOrWhiteSpace(otlpEndpoint);
        if (exportOtlp && !Uri.TryCreate(otlpEndpoint, UriKind.Absolute, out _))
        {
            throw new CcdStartupException($"Ccd:Telemetry:OtlpEndpoint (or {OtlpEndpointVariable}) must be an absolute URL.");
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(serviceName));
        if (options.TracingEnabled ?? exportOtlp)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(aspNetCore =>
                    {
                        // Probes and scrapes would drown the traces that matter.
                        aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
                            && !context.Request.Path.StartsWithSegments(MetricsPath, StringComparison.Ordinal);
                    })
                    .AddNpgsql()
                    .AddSource(CcdTelemetry.Name);
                if (exportOtlp)
                {
                    tracing.AddOtlpExporter(otlp => otlp.Endpoint = new Uri(otlpEndpoint!));
                }
            });
        }

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddAspNetCoreInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(CcdTelemetry.Name);
            if (exportOtlp)
            {
                metrics.AddOtlpExporter((otlp, reader) =>
                {
                    otlp.Endpoint = new Uri(otlpEndpoint!);
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 15_000;
                });
            }

            if (options.PrometheusEnabled)
            {
                // No scrape cache: Prometheus scrapes every few seconds anyway, and a cached page would hide fresh counts.
                metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            }
        });
    }

    public static void MapCcdTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<CcdOptions>>().Value;
        if (options.Telemetry.PrometheusEnabled)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        }
    }
}
