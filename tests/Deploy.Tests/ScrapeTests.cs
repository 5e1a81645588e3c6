using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Adoption.Service.Hosting;
using Ccd.Runtime.Testing;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Xunit;

namespace Deploy.Tests;

/// <summary>
/// A real Prometheus scrapes the real service process (search indexing into a fake Elasticsearch that refuses one
/// document and answers one request malformed, publishing to a real AMQP broker), loads the alert rules, and finds under its name every metric that
/// the rules and the dashboard use.
/// </summary>
public sealed class ScrapeTests(ScrapeTests.Servers servers) : IClassFixture<ScrapeTests.Servers>
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_real_prometheus_scraping_the_service_finds_every_metric_the_rules_and_the_dashboard_use()
    {
        var database = await servers.Postgres.CreateDatabaseAsync(AdoptionHost.Migrations);
        await using var elasticsearch = await FakeElasticsearch.StartAsync();
        elasticsearch.Poison = (_, _, source) => source.Contains("poison", StringComparison.Ordinal);
        // The first bulk answer is malformed: the indexing loop fails and its supervisor restarts it.
        elasticsearch.Faults = request => request.Number == 1 ? FakeFault.MalformedBody : FakeFault.None;
        var environment = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "TEST",
            ["TEST_DATABASE_URL"] = database,
            ["Ccd__Telemetry__PrometheusEnabled"] = "true",
            ["Ccd__Elasticsearch__Url"] = elasticsearch.Url.ToString(),
            ["Ccd__Elasticsearch__QueueSampleSeconds"] = "1",
            ["Ccd__Publishing__Address"] = servers.Broker.Url,
            ["Ccd__Publishing__Entity"] = servers.Broker.NextQueue(),
            ["Ccd__Publishing__StatusRefreshInterval"] = "00:00:01",
            ["Ccd__CaseTypes__0__Id"] = "FT_Blob",
            ["Ccd__CaseTypes__0__Jurisdiction"] = "TEST",
            ["Ccd__CaseTypes__0__Events__0__Id"] = "create",
            ["Ccd__CaseTypes__0__Events__0__Publish"] = "true",
            ["Ccd__CaseTypes__0__Events__1__Id"] = "update",
        };
        await using var service = ServiceProcess.Start(Path.Combine(AppContext.BaseDirectory, "Adoption.Service.dll"), environment);
        await service.WaitReadyAsync(Ceiling);
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.User("officer-1"));
        client.DefaultRequestHeaders.Add("ServiceAuthorization", TestTokens.Service());
        var kept = CcdEventBodies.NewReference();
        var refused = CcdEventBodies.NewReference();
        var key = Guid.NewGuid();

        // What makes each counter appear: submits (latency), a replay, a conflict, a loop restart, an indexed and a dead-lettered document, a sent message.
        Assert.Equal(HttpStatusCode.Created, await SubmitAsync(client, Body(kept, "create", null, "kept"), key));
        Assert.Equal(HttpStatusCode.OK, await SubmitAsync(client, Body(kept, "create", null, "kept"), key));
        Assert.Equal(HttpStatusCode.Created, await SubmitAsync(client, Body(refused, "create", null, "poison"), Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.Created, await SubmitAsync(client, Body(kept, "update", 1, "changed"), Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.Conflict, await SubmitAsync(client, Body(kept, "update", 1, "stale"), Guid.NewGuid()));

        var wanted = DeployFiles.AlertExpressions().Concat(DeployFiles.DashboardExpressions())
            .SelectMany(DeployFiles.MetricNames).ToHashSet(StringComparer.Ordinal);
        await using var prometheus = PrometheusServer.Start(service.BaseAddress, "adoption", DeployFiles.AlertRules);
        var missing = wanted.ToList();
        JsonArray? rules = null;
        var deadline = DateTime.UtcNow + Ceiling;
        while (DateTime.UtcNow < deadline && (missing.Count > 0 || !RulesEvaluated(rules)))
        {
            await Task.Delay(500, Ct);
            var names = (await prometheus.ApiAsync("api/v1/label/__name__/values", Ct))?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            if (names is not null)
            {
                missing = wanted.Where(name => !names.Contains(name)).ToList();
            }

            rules = (await prometheus.ApiAsync("api/v1/rules", Ct))?["groups"]?.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!.DeepClone()).Aggregate(new JsonArray(), (all, r) =>
            {
                all.Add(r);
                return all;
            });
        }

        Assert.True(wanted.Count >= 15, $"only {wanted.Count} metric names were found in the rules and the dashboard");
        Assert.True(missing.Count == 0, $"not scraped from /metrics: {string.Join(", ", missing)}\nPrometheus:\n{prometheus.Output}");
        Assert.True(RulesEvaluated(rules), $"the alert rules did not all load and evaluate: {rules?.ToJsonString()}\nPrometheus:\n{prometheus.Output}");
        Assert.Equal(DeployFiles.AlertNames().Order(StringComparer.Ordinal), rules!.Select(r => r!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    private static bool RulesEvaluated(JsonArray? rules) =>
        rules is { Count: > 0 } && rules.All(r => r!["health"]?.GetValue<string>() == "ok");

    private static readonly CcdCaseType Blob = new("FT_Blob", "TEST");

    private static JsonObject Body(long reference, string eventId, int? version, string note)
    {
        var data = new JsonObject { ["note"] = note };
        return version is null
            ? CcdEventBodies.Create(Blob, reference, eventId, "Open", data)
            : CcdEventBodies.Update(Blob, reference, eventId, "Open", version.Value, data);
    }

    private static async Task<HttpStatusCode> SubmitAsync(HttpClient client, JsonObject body, Guid key) =>
        (await new CcdDataStoreClient(client, Blob).SubmitAsync(body, key)).Status;

    /// <summary>The PostgreSQL server and the AMQP broker of this class only (the other tests need neither).</summary>
    public sealed class Servers : IAsyncLifetime
    {
        public PostgresServer Postgres { get; } = new();

        public AmqpBroker Broker { get; } = new();

        public async ValueTask InitializeAsync() => await Task.WhenAll(Postgres.InitializeAsync().AsTask(), Broker.InitializeAsync().AsTask());

        public async ValueTask DisposeAsync()
        {
            await Postgres.DisposeAsync();
            await Broker.DisposeAsync();
        }
    }
}
