using Ccd.Runtime.Commands;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Telemetry;

/// <summary>Telemetry of the real submit path: its trace reaches the database, and its own counters reach <c>/metrics</c>.</summary>
public sealed partial class SubmitTelemetryTests(PostgresServer postgres)
{
    private static readonly CcdServiceDefinition Host = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = app => app.MapCcdPersistence(),
    };

    private const string MetricsType = "FT_Metrics";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_submit_produces_a_trace_with_its_database_spans()
    {
        var spans = new ConcurrentQueue<Activity>();
        var settings = new Dictionary<string, string?>(TestService.BlobTypeConfiguration()) { ["Ccd:Telemetry:TracingEnabled"] = "true" };
        await using var app = await TestServiceApp.StartAsync(Host, await postgres.CreateDatabaseAsync(), settings,
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Collector(spans))));
        using var ccd = new CcdDataStoreClient(app.CreateCcdClient());
        // The caller's W3C trace context: the submit joins this trace, which tells its spans from those of other
        // tests running at the same time (listeners are process-wide).
        var trace = ActivityTraceId.CreateRandom();
        ccd.Http.DefaultRequestHeaders.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        var created = await ccd.SubmitAsync(Payloads.Create(Payloads.NewReference(), TestService.BlobType, "create", new JsonObject { ["note"] = "traced" }));
        Assert.Equal(HttpStatusCode.Created, created.Status);

        var request = await EventuallyAsync(() => Task.FromResult(spans.FirstOrDefault(span =>
            span.Kind == ActivityKind.Server && span.TraceId == trace && span.DisplayName.Contains("/ccd-persistence/cases", StringComparison.Ordinal))));
        // The event's writes are among the request's own database spans: the case row and its history row. Spans
        // reach the processor as each one ends, so wait for both rather than assume their order.
        var sql = await EventuallyAsync(() =>
        {
            var inTrace = spans.Where(span => span.Source.Name == "Npgsql" && span.TraceId == request.TraceId).ToList();
            var complete = inTrace.Any(span => Statement(span).Contains("ccd.case_event", StringComparison.Ordinal))
                && inTrace.Any(span => Statement(span).Contains("ccd.case_data", StringComparison.Ordinal));
            return Task.FromResult(complete ? inTrace : null);
        });
        Assert.All(sql, span => Assert.Equal(ActivityKind.Client, span.Kind));
        Assert.All(sql, span => Assert.Equal(request.TraceId, span.TraceId));
    }

    [Fact]
    public async Task the_metrics_endpoint_shows_the_submit_latency_replay_and_conflict_counters_move()
    {
        // A case type of this test alone: the instruments are process-wide, and other tests submit FT_Blob meanwhile.
        var settings = new Dictionary<string, string?>
        {
            ["Ccd:CaseTypes:0:Id"] = MetricsType,
            ["Ccd:CaseTypes:0:Jurisdiction"] = TestService.Jurisdiction,
            ["Ccd:CaseTypes:0:Events:0:Id"] = "create",
            ["Ccd:CaseTypes:0:Events:1:Id"] = "update",
            ["Ccd:Telemetry:PrometheusEnabled"] = "true",
        };
        await using var app = await TestServiceApp.StartAsync(Host, await postgres.CreateDatabaseAsync(), settings);
        using var ccd = new CcdDataStoreClient(app.CreateCcdClient());
        using var scraper = app.CreateClient();
        var reference = Payloads.NewReference();
        var key = Guid.NewGuid();

        var created = await ccd.SubmitAsync(Payloads.Create(reference, MetricsType, "create", new JsonObject { ["note"] = "one" }), key);
        var replayed = await ccd.SubmitAsync(Payloads.Create(reference, MetricsType, "create", new JsonObject { ["note"] = "one" }), key);
        var updated = await ccd.SubmitAsync(Payloads.Update(reference, MetricsType, "update", new JsonObject { ["note"] = "two" }, version: 1));
        var stale = await ccd.SubmitAsync(Payloads.Update(reference, MetricsType, "update", new JsonObject { ["note"] = "three" }, version: 1));
        Assert.Equal(
            [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.Conflict],
            [created.Status, replayed.Status, updated.Status, stale.Status]);

        // Each counter shows exactly what this test did (its case type tags them).
        var text = await EventuallyAsync(async () =>
        {
            var scraped = await scraper.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);
            return Value(scraped, "ccd_submit_conflicts_total", "") is > 0 ? scraped : null;
        });
        Assert.True(Value(text, "ccd_submit_duration_seconds_count", "outcome=\"created\"") >= 1, text);
        Assert.Equal(1, Value(text, "ccd_submit_duration_seconds_count", "outcome=\"replayed\""));
        Assert.Equal(1, Value(text, "ccd_submit_duration_seconds_count", "outcome=\"conflict\""));
        Assert.Equal(1, Value(text, "ccd_submit_replays_total", ""));
        Assert.Equal(1, Value(text, "ccd_submit_conflicts_total", ""));
    }

    // The statement text of a database span, whichever semantic-convention name the driver gives it.
    private static string Statement(Activity span) =>
        string.Join(" ", span.TagObjects.Where(tag => tag.Key is "db.statement" or "db.query.text").Select(tag => tag.Value?.ToString()));

    // The sample of <paramref name="metric"/> for this test's case type whose labels contain <paramref name="label"/>, or null.
    private static long? Value(string text, string metric, string label)
    {
        foreach (Match match in Sample().Matches(text))
        {
            if (match.Groups["name"].Value == metric && match.Groups["labels"].Value.Contains($"case_type=\"{MetricsType}\"", StringComparison.Ordinal)
                && match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                return (long)double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    // Liveness ceiling only: spans end and metrics are recorded as the server finishes the exchange.
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for telemetry");
            await Task.Delay(20, Ct);
        }
    }

    [GeneratedRegex("""^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>[0-9.eE+-]+)""", RegexOptions.Multiline)]
    private static partial Regex Sample();

    private sealed class Collector(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}
