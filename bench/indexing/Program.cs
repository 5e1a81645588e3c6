// P5 (search half): seeds N queued cases in a throwaway PostgreSQL cluster, starts the runtime's indexer
// against the fake Elasticsearch, and measures how fast it drains the queue. Writes
// bench/results/<date>-indexing.md and .json with the machine it ran on.
using Ccd.Runtime.Commands;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.LocalDatabase;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ccd.Runtime.Testing;

var cases = Argument("--cases", 100_000);
var batchSize = Argument("--batch-size", 500);
var concurrency = Argument("--concurrency", 2);
var resultsDirectory = args.SkipWhile(a => a != "--results").Skip(1).FirstOrDefault() ?? Path.Combine("bench", "results");

var work = Path.Combine(Path.GetTempPath(), $"ccd-bench-indexing-{Guid.NewGuid():N}"[..32]);
await using var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(work, "data"), throwaway: true);
await cluster.EnsureDatabaseAsync("bench");
var connectionString = cluster.ConnectionString("bench");
await using var fake = await FakeElasticsearch.StartAsync();
fake.KeepSources = false;

var host = new CcdServiceDefinition { ConfigureServices = builder => builder.AddCcdRuntime(), ConfigureApp = _ => { } };
var settings = new Dictionary<string, string?>
{
    ["APP_ENV"] = "TEST",
    ["TEST_DATABASE_URL"] = connectionString,
    ["urls"] = "http://127.0.0.1:0",
    ["Logging:LogLevel:Default"] = "Warning",
    // TEST verifies user tokens with a configured key; the benchmark sends none, but start-up requires one.
    ["Ccd:Auth:SigningKey"] = "bench-signing-key-0123456789abcdef0123456789abcdef",
    ["Ccd:Elasticsearch:Url"] = fake.Url.ToString(),
    ["Ccd:Elasticsearch:BatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
    ["Ccd:Elasticsearch:Concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
};

// Migrate and seed before the indexer starts, so the measurement is the drain alone.
// (Starting prepares the database: the runtime login, the migrations; the queue is still empty, so nothing is indexed.)
await using (var migrator = host.Build([], builder => builder.Configuration.AddInMemoryCollection(settings)))
{
    await migrator.StartAsync();
    await migrator.StopAsync();
}

await using var dataSource = NpgsqlDataSource.Create(connectionString);
Console.WriteLine($"seeding {cases} queued cases ...");
await ExecuteAsync(dataSource, Seed.Sql, ("cases", cases));

await using var app = host.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
var clock = Stopwatch.StartNew();
await app.StartAsync();
long queued;
do
{
    await Task.Delay(100);
    queued = await ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_queue");
}
while (queued > 0 && clock.Elapsed < TimeSpan.FromMinutes(30));
clock.Stop();
await app.StopAsync();

var items = fake.Items;
var documents = items.Count(i => i.Status is >= 200 and < 300);
var globalDocuments = items.Count(i => i.Index == "global_search" && i.Status is >= 200 and < 300);
var seconds = clock.Elapsed.TotalSeconds;
var result = new Dictionary<string, object>
{
    ["benchmark"] = "P5 search indexing: drain queued cases to the fake Elasticsearch",
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    ["cases"] = cases,
    ["queue_left"] = queued,
    ["documents"] = documents,
    ["global_search_documents"] = globalDocuments,
    ["bulk_requests"] = fake.Requests.Count,
    ["seconds"] = Math.Round(seconds, 2),
    ["cases_per_second"] = Math.Round(cases / seconds),
    ["documents_per_second"] = Math.Round(documents / seconds),
    ["target_documents_per_second"] = 5000,
    ["batch_size"] = batchSize,
    ["concurrency"] = concurrency,
    ["machine"] = new Dictionary<string, string>
    {
        ["nproc"] = Shell("nproc"),
        ["cpu_model"] = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?",
        ["free_h"] = Shell("free -h", trimStart: false),
        ["postgres"] = "throwaway local cluster of the test fixture (fsync off)",
        ["dotnet"] = Environment.Version.ToString(),
    },
};

Directory.CreateDirectory(resultsDirectory);
var stem = Path.Combine(resultsDirectory, $"{DateTime.UtcNow:yyyy-MM-dd}-indexing");
await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }) + "\n");
var machine = (Dictionary<string, string>)result["machine"];
await File.WriteAllTextAsync(stem + ".md", $"""
    # P5 search indexing ({result["date"]})

    Drained {cases:N0} queued cases (about a quarter with `SearchCriteria`, so also a `global_search` document)
    from `ccd.es_queue` to the fake Elasticsearch (`tests/Ccd.Testing/FakeElasticsearch`, Kestrel on loopback),
    through the runtime's own indexer (batch size {batchSize}, {concurrency} concurrent batches, one process).

    | measure | value |
    |---|---|
    | time to drain | {seconds:F1} s |
    | documents indexed | {documents:N0} ({globalDocuments:N0} of them `global_search`) |
    | bulk requests | {fake.Requests.Count:N0} |
    | **documents per second** | **{documents / seconds:N0}** (target ≥ 5,000, SPEC P5) |
    | cases per second | {cases / seconds:N0} |
    | left in the queue | {queued} |

    Machine: `nproc` = {machine["nproc"]}, CPU {machine["cpu_model"]}, .NET {machine["dotnet"]}; PostgreSQL: {machine["postgres"]}.
    The fake Elasticsearch runs in the same process and competes for the same cores.

    ```
    {machine["free_h"]}
    ```

    Reproduce: `bench/indexing/run` (options: `--cases N --batch-size N --concurrency N`).

    """);
Console.WriteLine(await File.ReadAllTextAsync(stem + ".md"));
return queued == 0 ? 0 : 1;

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static string Shell(string command, bool trimStart = true)
{
    using var process = Process.Start(new ProcessStartInfo("sh", ["-c", command]) { RedirectStandardOutput = true })!;
    var output = process.StandardOutput.ReadToEnd().TrimEnd();
    output = trimStart ? output.TrimStart() : output;
    process.WaitForExit();
    return output;
}

static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, (string Name, int Value) parameter)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = 600;
    command.Parameters.AddWithValue(parameter.Name, parameter.Value);
    await command.ExecuteNonQueryAsync();
}

static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

internal static class Seed
{
    // Case data of about 1 KB: a typical case's fields; every fourth case carries SearchCriteria.
    public const string Sql = """
        INSERT INTO ccd.case_data (reference, id, jurisdiction, case_type_id, state, data, supplementary_data, security_classification,
                                   created_date, last_modified, last_state_modified_date)
        SELECT 1000000000000000 + n, n, 'BENCH', 'BENCH', 'Open', '{}', '{"HMCTSServiceId":"BEN1"}', 'PUBLIC',
               now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc'
        FROM generate_series(1, @cases) AS n;
        INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, user_id, created_date,
                                    case_type_id, state_id, data, security_classification)
        SELECT 1000000000000000 + n, 1, 1, 'create', 'Create', 'bench-user', now() AT TIME ZONE 'utc', 'BENCH', 'Open',
               jsonb_build_object(
                   'applicantName', 'Applicant ' || n, 'applicantEmail', 'applicant' || n || '@example.com',
                   'childName', 'Child ' || n, 'childDateOfBirth', '2020-01-01', 'courtCode', 'BFC',
                   'caseNumber', 'BFC/2026/' || lpad(n::text, 5, '0'), 'status', 'APPLICATION',
                   'summary', repeat('Summary text of the case. ', 20),
                   'addresses', jsonb_build_array(jsonb_build_object('line1', n || ' High Street', 'town', 'Bristol', 'postcode', 'BS1 1AA')))
               || CASE WHEN n % 4 = 0 THEN jsonb_build_object(
                   'SearchCriteria', jsonb_build_object('OtherCaseReferences', jsonb_build_array(jsonb_build_object('value', 'X' || n))),
                   'caseManagementLocation', jsonb_build_object('region', '1', 'baseLocation', '2'),
                   'caseNameHmctsInternal', 'A v B ' || n) ELSE '{}'::jsonb END,
               'PUBLIC'
        FROM generate_series(1, @cases) AS n;
        INSERT INTO ccd.es_queue (reference, case_revision, enqueued_at)
        SELECT 1000000000000000 + n, 1, now() AT TIME ZONE 'utc' FROM generate_series(1, @cases) AS n;
        ANALYZE;
        """;
}
