using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ccd.Runtime.SearchIndexing;
using Ccd.Runtime.Workers;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

/// <summary>
/// Elasticsearch answering what it should not (items without a status, a body cut in half, an HTML page, 429, 503,
/// a dropped connection, an answer slower than the timeout), and the indexing pass meeting an exception of any type:
/// each is a loop fault (operations.md, <i>Background loops</i>). In each case the restart counter moves, readiness
/// reports the loop, and once the fault is gone later changes are indexed within their normal delay, every case
/// at its latest revision, sent once.
/// </summary>
public sealed partial class AnswerFaultTests(PostgresServer postgres)
{
    private const int Cases = 10;
    private const int DegradedRestarts = 2;

    // The fallback poll is far beyond the ceiling below, so the later changes reach Elasticsearch only by the normal
    // path (their notification, or the loop's restart after a pause of at most one second).
    private const int PollSeconds = 600;
    private static readonly TimeSpan NormalDelayCeiling = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, Func<Exception>> Exceptions = new(StringComparer.Ordinal)
    {
        ["InvalidOperationException"] = () => new InvalidOperationException("a bug in the pass"),
        ["JsonException"] = () => new JsonException("unexpected token"),
        ["HttpRequestException"] = () => new HttpRequestException("connection reset"),
        ["TaskCanceledException"] = () => new TaskCanceledException("a timeout inside a library, not the shutdown"),
        ["OperationCanceledException"] = () => new OperationCanceledException("cancelled by someone else's token"),
        ["TimeoutException"] = () => new TimeoutException("too slow"),
        ["IOException"] = () => new IOException("broken pipe"),
        ["NpgsqlException"] = () => new NpgsqlException("the database went away"),
        ["NullReferenceException"] = () => new NullReferenceException(),
        ["KeyNotFoundException"] = () => new KeyNotFoundException("status"),
        ["FormatException"] = () => new FormatException("not a number"),
        ["ArgumentOutOfRangeException"] = () => new ArgumentOutOfRangeException("index"),
        ["NotSupportedException"] = () => new NotSupportedException(),
        ["ObjectDisposedException"] = () => new ObjectDisposedException("HttpClient"),
        ["AggregateException"] = () => new AggregateException(new InvalidOperationException("inner")),
        ["UnreadableMessageException"] = () => new UnreadableMessageException(),
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Every exception type the pass is tested against (OutOfMemory and stack overflow are left out: no code can go on after them).</summary>
    public static TheoryData<string> ExceptionTypes => [.. Exceptions.Keys];

    private static Dictionary<string, string?> Settings => new()
    {
        ["Ccd:Elasticsearch:PollSeconds"] = PollSeconds.ToString(CultureInfo.InvariantCulture),
        ["Ccd:Elasticsearch:BackoffBaseMilliseconds"] = "100",
        ["Ccd:Elasticsearch:BackoffMaxSeconds"] = "1",
        ["Ccd:Elasticsearch:RequestTimeoutSeconds"] = "1",
        ["Ccd:Elasticsearch:LeaseSeconds"] = "30",
        ["Ccd:Workers:FirstRestartPauseMilliseconds"] = "100",
        ["Ccd:Workers:MaxRestartPauseSeconds"] = "1",
        ["Ccd:Workers:DegradedRestarts"] = DegradedRestarts.ToString(CultureInfo.InvariantCulture),
        ["Ccd:Telemetry:PrometheusEnabled"] = "true",
    };

    [Theory]
    [InlineData(FakeFault.MalformedBody, "SearchIndexAnswerException")]
    [InlineData(FakeFault.TruncatedBody, "SearchIndexAnswerException")]
    [InlineData(FakeFault.WrongContentType, "SearchIndexAnswerException")]
    [InlineData(FakeFault.Slow, "SearchIndexUnavailableException")]
    [InlineData(FakeFault.Unavailable, "SearchIndexUnavailableException")]
    [InlineData(FakeFault.TooManyRequests, "SearchIndexUnavailableException")]
    [InlineData(FakeFault.DropConnection, "SearchIndexUnavailableException")]
    public async Task an_answer_elasticsearch_should_not_give_is_a_loop_fault_counted_and_reported_and_later_changes_are_indexed_once_within_their_normal_delay(
        FakeFault fault, string expectedError)
    {
        await using var fake = await FakeElasticsearch.StartAsync();
        fake.SlowDelay = TimeSpan.FromSeconds(5);
        var faulty = true;
        fake.Faults = _ => Volatile.Read(ref faulty) ? fault : FakeFault.None;
        await RunAsync(fake, expectedError, () => Volatile.Write(ref faulty, false), services: null);
    }

    [Theory]
    [MemberData(nameof(ExceptionTypes))]
    public async Task an_exception_of_any_type_in_the_indexing_pass_is_a_loop_fault_counted_and_reported_and_later_changes_are_indexed_once_within_their_normal_delay(
        string exceptionType)
    {
        await using var fake = await FakeElasticsearch.StartAsync();
        var client = new ThrowingClient(new ElasticsearchBulkClient(new HttpClient { BaseAddress = fake.Url }), Exceptions[exceptionType]);
        await RunAsync(fake, exceptionType, client.Heal, services => services.AddSingleton<ISearchIndexClient>(client));
    }

    private async Task RunAsync(FakeElasticsearch fake, string expectedError, Action endFault, Action<IServiceCollection>? services)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var writer = new CaseWriter(dataSource);
        for (var n = 1; n <= Cases; n++)
        {
            await writer.CreateAsync(CaseWriter.Reference(n), id: n, new JsonObject { ["n"] = n });
        }

        await using var app = await IndexingTestHost.StartAsync(connectionString, fake, Settings, services);
        var supervisor = app.Services.GetRequiredService<WorkerSupervisor>();
        var health = app.Services.GetRequiredService<HealthCheckService>();
        using var client = app.CreateClient();

        // The restart counter moves (in the supervisor and on /metrics), with the fault as the loop's last error.
        await IndexingTestHost.WaitUntilAsync(() => Task.FromResult(IndexingRestarts(supervisor) >= DegradedRestarts), "the indexing loops were restarted");
        Assert.Contains(supervisor.Snapshot(), loop => loop.Name.StartsWith("search-indexing-", StringComparison.Ordinal)
            && loop.LastError?.Contains(expectedError, StringComparison.Ordinal) == true);
        var scraped = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token);
        Assert.True(RestartsScraped(scraped) >= DegradedRestarts, scraped);

        // Readiness reports it: 503 while a loop waits for its restart, and the check names the loop and its error.
        await IndexingTestHost.WaitUntilAsync(async () => await ReadinessAsync(client) == HttpStatusCode.ServiceUnavailable, "readiness answers 503 while a loop is down");
        // (Between restarts, with the restarts spread over two loops, a moment may be Healthy: look until it is reported.)
        await IndexingTestHost.WaitUntilAsync(async () =>
        {
            var loops = (await health.CheckHealthAsync(check => check.Name == "background-loops", Token)).Entries["background-loops"];
            return loops.Status != HealthStatus.Healthy && loops.Description?.Contains("search-indexing-", StringComparison.Ordinal) == true
                && loops.Description.Contains(expectedError, StringComparison.Ordinal);
        }, "the readiness check names the loop and its error");

        // The fault ends and later changes arrive: each is indexed at its latest revision well before the fallback poll.
        endFault();
        for (var n = 1; n <= Cases; n++)
        {
            await writer.UpdateAsync(CaseWriter.Reference(n), new JsonObject { ["n"] = n, ["after"] = "faults" });
        }

        await fake.WaitForAsync(f => Enumerable.Range(1, Cases).All(n => f.Get("a58_cases", Id(n))?.Version == 2),
            NormalDelayCeiling, "every case indexed at revision 2 within the normal delay");
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);

        // Nothing lost, nothing sent twice: each later revision went to Elasticsearch exactly once, nothing is dead-lettered.
        Assert.Equal(0, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_dead_letter_queue"));
        foreach (var n in Enumerable.Range(1, Cases))
        {
            Assert.Single(fake.Items, item => item.Index == "a58_cases" && item.Id == Id(n) && item.Version == 2);
            var source = JsonNode.Parse(fake.Get("a58_cases", Id(n))!.Source!)!;
            Assert.Equal("faults", source["data"]!["after"]!.GetValue<string>());
        }

        // Every loop came back (none ended for good), the listener included.
        await IndexingTestHost.WaitUntilAsync(() => Task.FromResult(supervisor.Snapshot().All(loop => loop.Status == LoopStatus.Running)), "every loop runs again");
        Assert.Contains(supervisor.Snapshot(), loop => loop.Name == "search-indexing-listener");
    }

    private static string Id(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static long IndexingRestarts(WorkerSupervisor supervisor) =>
        supervisor.Snapshot().Where(loop => loop.Name.StartsWith("search-indexing", StringComparison.Ordinal)).Sum(loop => loop.TotalRestarts);

    private static async Task<HttpStatusCode> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Token);
        return response.StatusCode;
    }

    // Other tests' hosts in this process share the meter, so the scrape shows at least this host's restarts.
    private static long RestartsScraped(string scraped) =>
        RestartLine().Matches(scraped).Sum(match => long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex("""^ccd_worker_restarts_total\{[^}]*loop="search-indexing-\d+"[^}]*\} (\d+)""", RegexOptions.Multiline)]
    private static partial Regex RestartLine();

    /// <summary>The real bulk client, throwing the given exception instead of sending until <see cref="Heal"/> is called.</summary>
    private sealed class ThrowingClient(ISearchIndexClient inner, Func<Exception> exception) : ISearchIndexClient
    {
        private volatile bool _healed;

        public void Heal() => _healed = true;

        public Task<IReadOnlyList<BulkItemOutcome>> BulkAsync(BulkRequest request, CancellationToken cancellationToken) =>
            _healed ? inner.BulkAsync(request, cancellationToken) : throw exception();
    }

    /// <summary>An exception whose message cannot even be read.</summary>
    private sealed class UnreadableMessageException : Exception
    {
        public override string Message => throw new InvalidOperationException("no message");
    }
}
