using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ccd.Runtime.Workers;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

/// <summary>
/// Elasticsearch answering things that are not bulk answers (items without a status, a body cut in half, an HTML
/// page) or answering too slowly: the indexing loops never end, the supervisor counts and reports what escaped, and
/// once the answers are good again every change, earlier and later, is indexed at its latest revision.
/// </summary>
public sealed partial class AnswerFaultTests(PostgresServer postgres)
{
    private const int Cases = 10;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings => new()
    {
        ["Ccd:Elasticsearch:BackoffBaseMilliseconds"] = "100",
        ["Ccd:Elasticsearch:BackoffMaxSeconds"] = "1",
        ["Ccd:Elasticsearch:RequestTimeoutSeconds"] = "1",
        ["Ccd:Elasticsearch:LeaseSeconds"] = "30",
        ["Ccd:Workers:FirstRestartPauseMilliseconds"] = "100",
        ["Ccd:Workers:MaxRestartPauseSeconds"] = "1",
        ["Ccd:Workers:DegradedRestarts"] = "2",
        ["Ccd:Telemetry:PrometheusEnabled"] = "true",
    };

    [Theory]
    [InlineData(FakeFault.MalformedBody)]
    [InlineData(FakeFault.TruncatedBody)]
    [InlineData(FakeFault.WrongContentType)]
    public async Task an_answer_that_is_not_a_bulk_answer_restarts_the_loop_is_reported_and_every_change_is_indexed_once_answers_are_good(FakeFault fault)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        var writer = new CaseWriter(dataSource);
        for (var n = 1; n <= Cases; n++)
        {
            await writer.CreateAsync(CaseWriter.Reference(n), id: n, new JsonObject { ["n"] = n });
        }

        var faulty = true;
        fake.Faults = _ => Volatile.Read(ref faulty) ? fault : FakeFault.None;
        await using var app = await IndexingTestHost.StartAsync(connectionString, fake, Settings);
        var supervisor = app.Services.GetRequiredService<WorkerSupervisor>();
        using var client = app.CreateClient();

        // The faults reach the supervisor (restarts counted) and readiness says so, while the loops keep coming back.
        await IndexingTestHost.WaitUntilAsync(
            () => Task.FromResult(IndexingRestarts(supervisor) >= 2),
            "the indexing loops were restarted");
        await IndexingTestHost.WaitUntilAsync(async () => await ReadinessAsync(client) is "Degraded" or "Unhealthy", "readiness reports the restarts");
        var lastError = supervisor.Snapshot().Where(loop => loop.Name.StartsWith("search-indexing-", StringComparison.Ordinal) && loop.LastError is not null).Select(loop => loop.LastError!).First();
        Assert.Contains("SearchIndexAnswerException", lastError, StringComparison.Ordinal);
        var scraped = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token);
        Assert.True(RestartsScraped(scraped) >= 2, scraped);

        // Answers are good again; later changes arrive: everything is indexed at its latest revision, nothing is lost.
        Volatile.Write(ref faulty, false);
        for (var n = 1; n <= Cases; n++)
        {
            await writer.UpdateAsync(CaseWriter.Reference(n), new JsonObject { ["n"] = n, ["after"] = "faults" });
        }

        await fake.WaitForAsync(f => Enumerable.Range(1, Cases).All(n => f.Get("a58_cases", n.ToString(CultureInfo.InvariantCulture))?.Version == 2),
            IndexingTestHost.Ceiling, "every case indexed at revision 2");
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);
        Assert.Equal(0, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_dead_letter_queue"));
        foreach (var n in Enumerable.Range(1, Cases))
        {
            var source = JsonNode.Parse(fake.Get("a58_cases", n.ToString(CultureInfo.InvariantCulture))!.Source!)!;
            Assert.Equal("faults", source["data"]!["after"]!.GetValue<string>());
        }

        // Every loop is running again (none ended), whatever it went through.
        Assert.All(supervisor.Snapshot(), loop => Assert.Equal(LoopStatus.Running, loop.Status));
        Assert.Contains(supervisor.Snapshot(), loop => loop.Name == "search-indexing-listener");
    }

    [Fact]
    public async Task slow_answers_time_out_as_transport_failures_without_ending_a_loop_readiness_reports_the_aging_queue_and_everything_is_indexed_after()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        fake.SlowDelay = TimeSpan.FromSeconds(5);
        var writer = new CaseWriter(dataSource);
        for (var n = 1; n <= Cases; n++)
        {
            await writer.CreateAsync(CaseWriter.Reference(n), id: n, new JsonObject { ["n"] = n });
        }

        var faulty = true;
        fake.Faults = _ => Volatile.Read(ref faulty) ? FakeFault.Slow : FakeFault.None;
        var settings = Settings;
        settings["Ccd:Elasticsearch:DegradedAfterSeconds"] = "1";
        await using var app = await IndexingTestHost.StartAsync(connectionString, fake, settings);
        var supervisor = app.Services.GetRequiredService<WorkerSupervisor>();
        using var client = app.CreateClient();

        await fake.WaitForAsync(f => f.Requests.Count >= 3, IndexingTestHost.Ceiling, "several slow requests");
        await IndexingTestHost.WaitUntilAsync(async () => await ReadinessAsync(client) == "Degraded", "readiness reports the aging queue");
        Volatile.Write(ref faulty, false);
        for (var n = 1; n <= Cases; n++)
        {
            await writer.UpdateAsync(CaseWriter.Reference(n), new JsonObject { ["n"] = n, ["after"] = "slow" });
        }

        await fake.WaitForAsync(f => Enumerable.Range(1, Cases).All(n => f.Get("a58_cases", n.ToString(CultureInfo.InvariantCulture))?.Version == 2),
            IndexingTestHost.Ceiling, "every case indexed at revision 2");
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);
        // A timeout is an expected failure of the remote: the batch backs off, and no loop had to be restarted.
        Assert.Equal(0, IndexingRestarts(supervisor));
        Assert.All(supervisor.Snapshot(), loop => Assert.Equal(LoopStatus.Running, loop.Status));
        Assert.Equal(0, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_dead_letter_queue"));
    }

    private static long IndexingRestarts(WorkerSupervisor supervisor) =>
        supervisor.Snapshot().Where(loop => loop.Name.StartsWith("search-indexing", StringComparison.Ordinal)).Sum(loop => loop.TotalRestarts);

    private static async Task<string> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        return response.StatusCode == HttpStatusCode.ServiceUnavailable ? "Unhealthy" : body;
    }

    // Other tests' hosts in this process share the meter, so the scrape shows at least this host's restarts.
    private static long RestartsScraped(string scraped) =>
        RestartLine().Matches(scraped).Sum(match => long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex("""^ccd_worker_restarts_total\{[^}]*loop="search-indexing-\d+"[^}]*\} (\d+)""", RegexOptions.Multiline)]
    private static partial Regex RestartLine();
}
