using Ccd.Runtime.Commands;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Ccd.Runtime.Hosting;
using Ccd.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Telemetry;

// Alone: in the full parallel run (two CI runs of 2 December) these tests saw no Npgsql spans and no ASP.NET Core request histogram while
// passing on their own, so the process-wide telemetry other tests listen to at the same time is kept away from them.
[Collection(nameof(TelemetryAlone))]
public sealed partial class TelemetryTests(PostgresServer postgres)
{
    private const string Token = "eyJhbGciOi.secret-user-token.sig";
    private const string ServiceToken = "s2s-secret-token-value";
    private const string CaseValue = "Applicant Jane Secret-Surname";

    // An endpoint that writes to the database, standing in for a submit: a request span with SQL spans under it.
    private static readonly CcdServiceDefinition Host = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = app => app.MapPost("/probe", async (HttpRequest request, NpgsqlDataSource db, CancellationToken ct) =>
        {
            using var body = new StreamReader(request.Body);
            var value = await body.ReadToEndAsync(ct);
            await using var command = db.CreateCommand("SELECT length(@value)");
            command.Parameters.AddWithValue("value", value);
            return Results.Ok(await command.ExecuteScalarAsync(ct));
        }),
    };

    [Fact]
    public async Task without_an_otlp_endpoint_or_tracing_enabled_no_spans_are_recorded()
    {
        var spans = new ConcurrentQueue<Activity>();
        await using var app = await TestServiceApp.StartAsync(Host, await postgres.CreateDatabaseAsync(), services: services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Collector(spans))));
        using var client = app.CreateClient();

        using var response = await client.PostAsync(new Uri("/probe", UriKind.Relative), new StringContent("hello"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();

        // The SQL span would have ended before the answer was sent.
        Assert.Empty(spans);
    }

    [Fact]
    public async Task a_request_produces_a_trace_with_its_database_spans()
    {
        var spans = new ConcurrentQueue<Activity>();
        // No OTLP endpoint here: the test's own processor is what the traces are recorded for.
        await using var app = await TestServiceApp.StartAsync(Host, await postgres.CreateDatabaseAsync(),
            new Dictionary<string, string?> { ["Ccd:Telemetry:TracingEnabled"] = "true" },
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Collector(spans))));
        using var client = app.CreateClient();

        using var response = await client.PostAsync(new Uri("/probe", UriKind.Relative), new StringContent("hello"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();

        var request = await EventuallyAsync(() => spans.FirstOrDefault(span => span.Kind == ActivityKind.Server && span.DisplayName.Contains("/probe", StringComparison.Ordinal)));
        var sql = spans.Where(span => span.Source.Name == "Npgsql" && span.TraceId == request.TraceId).ToList();
        Assert.NotEmpty(sql);
        Assert.All(sql, span => Assert.Equal(ActivityKind.Client, span.Kind));
        Assert.Contains(sql, span => span.ParentSpanId == request.SpanId);
    }

    [Fact]
    public async Task the_metrics_endpoint_serves_prometheus_text_and_the_counters_move()
    {
        await using var app = await TestServiceApp.StartAsync(Host, await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Ccd:Telemetry:PrometheusEnabled"] = "true",
        });
        using var client = app.CreateClient();
        using (var warmUp = await client.PostAsync(new Uri("/probe", UriKind.Relative), new StringContent("a"), TestContext.Current.CancellationToken))
        {
            warmUp.EnsureSuccessStatusCode();
        }

        var before = await EventuallyAsync(async () => await ProbeCountAsync(client) is > 0 and var count ? count : (long?)null);
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync(new Uri("/probe", UriKind.Relative), new StringContent("b"), TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }

        var after = await EventuallyAsync(async () => await ProbeCountAsync(client) is var count && count >= before + 3 ? count : (long?)null);
        Assert.Equal(before + 3, after);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram",
            await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_metrics_endpoint_is_absent_unless_enabled()
    {
        await using var app = await TestServiceApp.StartAsync(Host, await postgres.CreateDatabaseAsync());
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task logs_at_every_level_contain_no_tokens_passwords_or_case_data()
    {
        var lines = new ConcurrentQueue<string>();
        // The test cluster requires its generated password on TCP: that real password is the secret to look for.
        var connectionString = await postgres.CreateDatabaseAsync();
        var password = new NpgsqlConnectionStringBuilder(connectionString).Password;
        Assert.False(string.IsNullOrEmpty(password));
        await using (var app = await TestServiceApp.StartAsync(
            Host,
            connectionString,
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:Console:LogLevel:Default"] = "None" },
            services => services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(lines))))
        {
            using var client = app.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/probe", UriKind.Relative)) { Content = new StringContent(CaseValue) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            request.Headers.Add("ServiceAuthorization", "Bearer " + ServiceToken);
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }

        Assert.NotEmpty(lines); // the capture works: Trace level logs plenty
        foreach (var secret in new[] { Token, ServiceToken, password, CaseValue })
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static async Task<long> ProbeCountAsync(HttpClient client)
    {
        // ASP.NET Core records a request's duration after its response is sent, so a scrape right after the first
        // request can come before the histogram exists: that reads as 0 and the caller scrapes again.
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        var match = ProbeCount().Match(text);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    // Liveness ceiling only: request metrics and spans are recorded as the server finishes the exchange.
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for telemetry");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static Task<T> EventuallyAsync<T>(Func<T?> probe)
        where T : class => EventuallyAsync(() => Task.FromResult(probe()));

    [GeneratedRegex("""http_server_request_duration_seconds_count\{[^}]*http_route="/probe"[^}]*\} (\d+)""")]
    private static partial Regex ProbeCount();

    private sealed class Collector(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {structured} {exception}");
        }
    }
}

/// <summary>Telemetry tests run with no other test beside them.</summary>
[CollectionDefinition(nameof(TelemetryAlone), DisableParallelization = true)]
public sealed class TelemetryAlone;
