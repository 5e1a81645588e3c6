// P5 (search half) against its limit: seeds N cases in a throwaway PostgreSQL cluster, starts a service with the
// runtime's indexer against the fake Elasticsearch, queues the N cases at once and measures how fast the indexer
// drains the queue; then the limit, a bare indexer (BareIndexer) reads the same rows, builds the same documents and posts
// them to a fresh fake Elasticsearch with the same batches and concurrency, without the queue; and, for comparison, a
// bare `_bulk` client (BareBulkClient) posts the very bulk requests the indexer sent, pre-built, to another fresh fake.
// Each after a warm-up, in one run; the ratio to the bare indexer is judged against issue 21's target (>= 0.8). Writes <results>/<date>-indexing.md and .json (bench/run reads the JSON into its page).
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Ccd.Bench;
using Ccd.Bench.Indexing;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.LocalDatabase;
using Ccd.Runtime.Telemetry;
using Ccd.Runtime.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Npgsql;

var cases = Argument("--cases", 100_000);
var batchSize = Argument("--batch-size", 500);
var concurrency = Argument("--concurrency", 2);
// 80 batches each way: code run once a batch (the claim and completion, the HTTP pipeline, the answer's parsing) is
// called only once a batch, and the JIT tiers a method up only after 30 calls and again after its instrumented
// tier's 30; with 20 batches the runtime's stage still paid for that (2026-12-04: its process CPU 40 µs a document
// after 20 batches, 25 after 80; the bare indexer's, with less such code, 17 after both).
var warmup = Argument("--warmup", 80 * batchSize);
// The last --results wins: bench/indexing/run puts its default (bench/results) before the caller's options.
var resultsDirectory = LastValue("--results") ?? Path.Combine("bench", "results");
Console.WriteLine($"indexing bench: {cases} cases, batch {batchSize}, concurrency {concurrency}, warm-up {warmup}");

var work = Path.Combine(Path.GetTempPath(), $"ccd-bench-indexing-{Guid.NewGuid():N}"[..32]);
await using var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(work, "data"), throwaway: true);
await cluster.EnsureDatabaseAsync("bench");
var connectionString = cluster.ConnectionString("bench");
// Sources are kept so the bare client can send exactly what the indexer sent; both fakes keep them alike.
await using var fake = await FakeElasticsearch.StartAsync();
fake.KeepSources = true;

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

// Migrate before the indexer starts (starting prepares the database: the runtime login, the migrations).
await using (var migrator = host.Build([], builder => builder.Configuration.AddInMemoryCollection(settings)))
{
    await migrator.StartAsync();
    await migrator.StopAsync();
}

await using var dataSource = NpgsqlDataSource.Create(connectionString);
var pgData = Path.Combine(work, "data");
Console.WriteLine($"seeding {warmup + cases} cases ...");
await ExecuteAsync(dataSource, Seed.CasesSql, ("cases", warmup + cases));

// The service runs with an empty queue; each stage queues its cases in one statement (its commit's NOTIFY wakes
// the indexer) and is timed from that commit until the queue is empty again.
await using var app = host.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
long indexed = 0;
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, meterListener) =>
{
    if (instrument.Meter == CcdTelemetry.Meter && instrument.Name == "ccd.search.documents.indexed")
    {
        meterListener.EnableMeasurementEvents(instrument);
    }
};
listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref indexed, value));
listener.Start();
// The limit is measured before the runtime's indexer and again after it: the bench process's heap grows by every
// document a fake keeps, and the first stage pays for that growth in gen 2 collections (~30 µs a document more
// on 2026-12-02, whichever stage ran first), so neither side is measured only first. Each stage's clock also starts
// after a full collection, and a bare stage keeps only digests of its documents, so the runtime's stage does not carry
// the first bare stage's documents on its heap.
var fairBefore = await BareIndexerStageAsync();
await app.StartAsync();
await WarmUpAsync(async (first, last) => await DrainAsync(first, last));
var warmupRequests = fake.Requests.Count;
CollectGarbage();
var gcBefore = GcFigures.Now();
var (runtimeElapsed, queued, runtimeStart) = await DrainAsync(warmup + 1, warmup + cases);
var runtimeCpu = Process.GetCurrentProcess().TotalProcessorTime - runtimeStart.Process;
var runtimePgCpu = PostgresCpu.Of(pgData) - runtimeStart.Postgres;
var runtimeGc = GcFigures.Now() - gcBefore;
var runtimeRequestsEnd = fake.Requests.Count;
// The runtime's second measurement: the same cases queued again (the same documents at the same versions, which
// external_gte accepts). The limit is the faster of two stages, so the runtime is too: on a shared machine either
// side's single stage can catch a busy moment (the limit's two stages differed up to 2 × in one run).
CollectGarbage();
var gcAgain = GcFigures.Now();
var (againElapsed, againQueued, againStart) = await DrainAsync(warmup + 1, warmup + cases);
var againCpu = Process.GetCurrentProcess().TotalProcessorTime - againStart.Process;
var againPgCpu = PostgresCpu.Of(pgData) - againStart.Postgres;
var againGc = GcFigures.Now() - gcAgain;
var againItems = fake.Items.Count(i => i.RequestNumber > runtimeRequestsEnd && i.Status is >= 200 and < 300);
await app.StopAsync();
var firstElapsed = runtimeElapsed;
if (againElapsed < runtimeElapsed)
{
    (runtimeElapsed, runtimeCpu, runtimePgCpu, runtimeGc) = (againElapsed, againCpu, againPgCpu, againGc);
}

var errors = new List<string>();
var items = fake.Items.Where(i => i.RequestNumber > warmupRequests && i.RequestNumber <= runtimeRequestsEnd).ToList();
var documents = items.Count(i => i.Status is >= 200 and < 300);
var globalDocuments = items.Count(i => i.Index == "global_search" && i.Status is >= 200 and < 300);
var expectedDocuments = cases + Enumerable.Range(warmup + 1, cases).Count(n => n % 4 == 0);
if (queued > 0 || documents != expectedDocuments || items.Count != expectedDocuments)
{
    errors.Add($"the indexer left {queued} cases queued and indexed {documents} documents ({items.Count} items) of {expectedDocuments}");
}

if (againQueued > 0 || againItems != expectedDocuments)
{
    errors.Add($"the indexer's second stage left {againQueued} cases queued and indexed {againItems} documents of {expectedDocuments}");
}

// The limit: the same bulk requests, to a fresh fake, after the same warm-up.
var warmupBodies = BareBulkClient.Capture(fake, 0, warmupRequests);
var bodies = BareBulkClient.Capture(fake, warmupRequests, runtimeRequestsEnd);
var runtimeRequests = bodies.Count;
await using var bareFake = await FakeElasticsearch.StartAsync();
bareFake.KeepSources = true;
await BareBulkClient.PostAsync(bareFake.Url, warmupBodies, concurrency);
var bareWarmupRequests = bareFake.Requests.Count;
CollectGarbage();
gcBefore = GcFigures.Now();
var cpu = Process.GetCurrentProcess().TotalProcessorTime;
var pgCpu = PostgresCpu.Of(pgData);
var bareElapsed = await BareBulkClient.PostAsync(bareFake.Url, bodies, concurrency);
var bareCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
var barePgCpu = PostgresCpu.Of(pgData) - pgCpu;
var bareGc = GcFigures.Now() - gcBefore;
var bareDocuments = bareFake.Items.Count(i => i.RequestNumber > bareWarmupRequests && i.Status is >= 200 and < 300);
if (bareDocuments != documents)
{
    errors.Add($"the bare client indexed {bareDocuments} documents, the indexer {documents}");
}

// The limit's second measurement, after the runtime's (see BareIndexerStageAsync); the faster of the two is the limit.
var fairAfter = await BareIndexerStageAsync();
var fair = fairBefore.Rate >= fairAfter.Rate ? fairBefore : fairAfter;
var (fairElapsed, fairCpu, fairPgCpu, fairGc, fairRequests) = (fair.Elapsed, fair.Cpu, fair.PgCpu, fair.Gc, fair.Requests);
var fairDocuments = fair.Documents;
if (fairBefore.Documents != documents || fairAfter.Documents != documents)
{
    errors.Add($"the bare indexer indexed {fairBefore.Documents} and {fairAfter.Documents} documents, the runtime's {documents}");
}

// The same documents: every source the bare indexer built is the one the runtime's indexer sent for that index and _id.
var runtimeSources = items.ToDictionary(i => (i.Index, i.Id), i => DocumentDigest.Of(i.Document));
var differing = fairBefore.Digests.Concat(fairAfter.Digests).Count(d => !runtimeSources.TryGetValue((d.Index, d.Id), out var source) || source != d.Digest);
if (differing > 0)
{
    errors.Add($"{differing} documents of the bare indexer differ from the runtime's");
}

var fairRate = fairDocuments / fairElapsed.TotalSeconds;
var runtimeRate = documents / runtimeElapsed.TotalSeconds;
var bareRate = bareDocuments / bareElapsed.TotalSeconds;
var ratio = runtimeRate / fairRate;
var prebuiltRatio = runtimeRate / bareRate;
const double TargetRatio = 0.8;
var meets = ratio >= TargetRatio && errors.Count == 0;
var machine = new Dictionary<string, string>
{
    ["nproc"] = Shell("nproc"),
    ["cpu_model"] = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?",
    ["load_average"] = string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)),
    ["free_h"] = Shell("free -h", trimStart: false),
    ["postgres"] = "throwaway local cluster of the test fixture (fsync off)",
    ["dotnet"] = Environment.Version.ToString(),
};
var result = new Dictionary<string, object>
{
    ["benchmark"] = "P5 search indexing: drain queued cases to the fake Elasticsearch, against a bare indexer (read the rows, build the documents, _bulk; no queue) and a bare _bulk client of pre-built bodies",
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    ["cases"] = cases,
    ["warmup_cases"] = warmup,
    ["batch_size"] = batchSize,
    ["concurrency"] = concurrency,
    ["service_stage_rates"] = new[] { Math.Round(expectedDocuments / firstElapsed.TotalSeconds), Math.Round(expectedDocuments / againElapsed.TotalSeconds) },
    ["limit_stage_rates"] = new[] { Math.Round(fairBefore.Rate), Math.Round(fairAfter.Rate) },
    ["service"] = Figures(documents, runtimeRequests, runtimeElapsed, runtimeCpu, runtimePgCpu, queued),
    ["limit"] = Figures(fairDocuments, fairRequests, fairElapsed, fairCpu, fairPgCpu, 0),
    ["prebuilt_limit"] = Figures(bareDocuments, bodies.Count, bareElapsed, bareCpu, barePgCpu, 0),
    ["global_search_documents"] = globalDocuments,
    ["cases_per_second"] = Math.Round(cases / runtimeElapsed.TotalSeconds),
    ["ratio"] = Math.Round(ratio, 2),
    ["ratio_to_prebuilt"] = Math.Round(prebuiltRatio, 2),
    ["target_ratio"] = TargetRatio,
    ["meets_target"] = meets,
    ["absolute_target_documents_per_second"] = 5000,
    ["errors"] = errors,
    ["machine"] = machine,
};

Directory.CreateDirectory(resultsDirectory);
var stem = Path.Combine(resultsDirectory, $"{DateTime.UtcNow:yyyy-MM-dd}-indexing");
await File.WriteAllTextAsync(stem + ".json", System.Text.Json.JsonSerializer.Serialize(result, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
await File.WriteAllTextAsync(stem + ".md", $"""
    # P5 search indexing against its limit ({result["date"]})

    {cases:N0} queued cases (a quarter with `SearchCriteria`, so also a `global_search` document), measured in one run
    after a warm-up of {warmup:N0} cases each way ({warmup / batchSize:N0} batches in four rounds, an idle second after each, so the JIT has tiered the hot code up):
    - **the runtime**: a service's indexer (batch size {batchSize}, {concurrency} concurrent batches) drains `ccd.es_queue` to the
      fake Elasticsearch (`tests/Ccd.Testing/FakeElasticsearch`, Kestrel on loopback, in this process): claim, build the
      documents, one `_bulk` request, complete; timed from the commit that queues the cases until the queue is empty.
      Measured twice, the same cases queued again ({expectedDocuments / firstElapsed.TotalSeconds:N0} and {expectedDocuments / againElapsed.TotalSeconds:N0} documents/s); the faster is the runtime's;
    - **the limit**: a bare indexer (`bench/indexing/BareIndexer.cs`) doing the same work without the queue: one plain
      `SELECT` of the case rows and their latest history rows per batch of {batchSize} references, the same documents
      built by the runtime's document writer (checked equal to the runtime's, item by item), one `_bulk` request per
      batch to a fresh fake, {concurrency} batches at a time; no claim, lease, completion or dead-letter work. Measured
      before the runtime's stage and after it ({fairBefore.Rate:N0} and {fairAfter.Rate:N0} documents/s); the faster is the limit;
    - for comparison, **pre-built bodies**: a bare `_bulk` client (`bench/indexing/BareBulkClient.cs`) posting the very
      bulk requests the indexer sent (built before the clock starts) to a fresh fake, {concurrency} at a time, no database work
      (the limit until 2026-12-02; it leaves out reading the rows and building the documents, which the same work needs).

    | | documents | bulk requests | seconds | documents/s | CPU µs/document: bench process (fake included) + PostgreSQL |
    |---|---|---|---|---|---|
    | runtime's indexer | {documents:N0} | {runtimeRequests:N0} | {runtimeElapsed.TotalSeconds:0.00} | **{runtimeRate:N0}** | {runtimeCpu.TotalMicroseconds / Math.Max(1, documents):N0} + {runtimePgCpu.TotalMicroseconds / Math.Max(1, documents):N0} |
    | bare indexer (the limit) | {fairDocuments:N0} | {fairRequests:N0} | {fairElapsed.TotalSeconds:0.00} | **{fairRate:N0}** | {fairCpu.TotalMicroseconds / Math.Max(1, fairDocuments):N0} + {fairPgCpu.TotalMicroseconds / Math.Max(1, fairDocuments):N0} |
    | bare `_bulk` client, pre-built bodies | {bareDocuments:N0} | {bodies.Count:N0} | {bareElapsed.TotalSeconds:0.00} | **{bareRate:N0}** | {bareCpu.TotalMicroseconds / Math.Max(1, bareDocuments):N0} + {barePgCpu.TotalMicroseconds / Math.Max(1, bareDocuments):N0} |

    GC of the bench process per stage: runtime {runtimeGc.Describe(documents)}; bare indexer {fairGc.Describe(fairDocuments)};
    pre-built bodies {bareGc.Describe(bareDocuments)}.

    Runtime ÷ limit: **{ratio:0.00} ×** (target ≥ {TargetRatio} ×): **{(meets ? "met" : "NOT met")}**; runtime ÷ pre-built bodies: {prebuiltRatio:0.00} ×.
    SPEC P5's absolute target (≥ 5,000 documents/s): {(runtimeRate >= 5000 ? "met" : "NOT met")} ({cases / runtimeElapsed.TotalSeconds:N0} cases/s,
    {globalDocuments:N0} of the documents `global_search`, {queued} cases left in the queue).
    {(errors.Count == 0 ? "" : "ERRORS: " + string.Join("; ", errors))}

    Machine: `nproc` = {machine["nproc"]}, CPU {machine["cpu_model"]}, load average at the end {machine["load_average"]}, .NET {machine["dotnet"]};
    PostgreSQL: {machine["postgres"]}. The fake Elasticsearch runs in the bench process and competes for the same cores.

    ```
    {machine["free_h"]}
    ```

    Reproduce: `bench/indexing/run` (options: `--cases N --batch-size N --concurrency N --warmup N`); `bench/run` runs it too.

    """);
Console.WriteLine(await File.ReadAllTextAsync(stem + ".md"));
return errors.Count == 0 ? 0 : 1;

// Queues cases first..last in one statement and waits until the indexer has emptied the queue (a liveness ceiling
// of 30 minutes, never a timing assertion); the time from the commit, how many were left, and the process's and
// PostgreSQL's CPU time at the commit: queueing the rows is the writers' work (the submit path queues each case in
// its own transaction), so like the clock, a stage's CPU counts from the commit on.
async Task<(TimeSpan Elapsed, long Left, (TimeSpan Process, TimeSpan Postgres) Start)> DrainAsync(int first, int last)
{
    await using (var enqueue = dataSource.CreateCommand(Seed.EnqueueSql))
    {
        enqueue.Parameters.AddWithValue("first", first);
        enqueue.Parameters.AddWithValue("last", last);
        await enqueue.ExecuteNonQueryAsync();
    }

    var start = (Process.GetCurrentProcess().TotalProcessorTime, PostgresCpu.Of(pgData));
    var clock = Stopwatch.StartNew();
    var expected = Interlocked.Read(ref indexed) + (last - first + 1) + Enumerable.Range(first, last - first + 1).Count(n => n % 4 == 0);
    long left;
    do
    {
        // Watched on the indexer's own counter (counted after each pass has completed its cases) rather than by
        // counting the queue, which would load the database under measurement; the queue is asked once a second.
        for (var i = 0; i < 200 && Interlocked.Read(ref indexed) < expected; i++)
        {
            await Task.Delay(5);
        }

        left = await ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_queue");
    }
    while (left > 0 && clock.Elapsed < TimeSpan.FromMinutes(30));
    return (clock.Elapsed, left, start);
}

// Both sides' warm-up: cases 1..warmup in four rounds with an idle second after each. The JIT counts calls and tiers
// hot code up only once no new code has been compiled for a moment, which a round that keeps meeting new code seldom
// gives, so each idle second lets the tiering move on by about a step (tier 0, instrumented, tier 1). With one round
// (of 4, 40 or 120 batches) the runtime's stage began with much of its per-row and per-batch code and of the shared
// code (Npgsql, HTTP, the fake) still at tier 0 and compiled ~2,600 methods while measured (DOTNET_JitDisasmSummary=1),
// while the bare indexer measured after it found the shared code compiled; two rounds left ~1,000-1,600, four ~500.
async Task WarmUpAsync(Func<int, int, Task> index)
{
    const int Rounds = 4;
    for (var round = 0; round < Rounds; round++)
    {
        await index(warmup * round / Rounds + 1, warmup * (round + 1) / Rounds);
        await Task.Delay(TimeSpan.FromSeconds(1));
    }
}

// One measurement of the bare indexer: a fresh fake, the warm-up cases, then the measured cases.
async Task<BareStage> BareIndexerStageAsync()
{
    await using var sink = await FakeElasticsearch.StartAsync();
    sink.KeepSources = true;
    await WarmUpAsync((first, last) => BareIndexer.IndexAsync(dataSource, sink.Url, References(first, last), batchSize, concurrency));
    var warmupRequests = sink.Requests.Count;
    CollectGarbage();
    var gc = GcFigures.Now();
    var processCpu = Process.GetCurrentProcess().TotalProcessorTime;
    var postgresCpu = PostgresCpu.Of(pgData);
    var elapsed = await BareIndexer.IndexAsync(dataSource, sink.Url, References(warmup + 1, warmup + cases), batchSize, concurrency);
    var stageCpu = Process.GetCurrentProcess().TotalProcessorTime - processCpu;
    var stagePgCpu = PostgresCpu.Of(pgData) - postgresCpu;
    var stageGc = GcFigures.Now() - gc;
    // Only a digest of each document outlives the stage: the documents themselves would stay on the heap through the
    // runtime's stage and make its collections dearer than the bare stage's were.
    var measured = sink.Items.Where(i => i.RequestNumber > warmupRequests).ToList();
    var stage = new BareStage(elapsed, stageCpu, stagePgCpu, stageGc,
        measured.Select(i => (i.Index, i.Id, DocumentDigest.Of(i.Document))).ToList(),
        measured.Count(i => i.Status is >= 200 and < 300), sink.Requests.Count - warmupRequests);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare indexer: {stage.Rate:N0} documents/s"));
    return stage;
}

// A full blocking collection before each stage's clock starts, so that each stage begins from the heap it leaves
// behind alone and pays only for its own garbage, not for an earlier stage's.
static void CollectGarbage()
{
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
}

static List<long> References(int first, int last) => Enumerable.Range(first, last - first + 1).Select(n => 1_000_000_000_000_000L + n).ToList();

int Argument(string name, int fallback) => LastValue(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

string? LastValue(string name)
{
    var index = Array.LastIndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static Dictionary<string, object> Figures(int documents, int requests, TimeSpan elapsed, TimeSpan cpu, TimeSpan postgresCpu, long left) => new()
{
    ["documents"] = documents,
    ["bulk_requests"] = requests,
    ["seconds"] = Math.Round(elapsed.TotalSeconds, 3),
    ["rate"] = Math.Round(documents / elapsed.TotalSeconds),
    ["cpu_us_per_document"] = Math.Round(cpu.TotalMicroseconds / Math.Max(1, documents)),
    ["postgres_cpu_us_per_document"] = Math.Round(postgresCpu.TotalMicroseconds / Math.Max(1, documents)),
    ["queue_left"] = left,
};

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

/// <summary>One measurement of the bare indexer: its time, CPU, GC and what its fake received.</summary>
internal sealed record BareStage(TimeSpan Elapsed, TimeSpan Cpu, TimeSpan PgCpu, GcFigures Gc, List<(string Index, string Id, string Digest)> Digests, int Documents, int Requests)
{
    public double Rate => Documents / Elapsed.TotalSeconds;
}

/// <summary>The bench process's collections, GC pauses and allocations at a moment; subtracted to give a stage's.</summary>
internal readonly record struct GcFigures(int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Allocated)
{
    public static GcFigures Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

    public static GcFigures operator -(GcFigures a, GcFigures b) =>
        new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Paused - b.Paused, a.Allocated - b.Allocated);

    public string Describe(int documents) => string.Create(CultureInfo.InvariantCulture,
        $"{Gen0}/{Gen1}/{Gen2} collections (gen 0/1/2), {Paused.TotalMilliseconds:N0} ms paused, {Allocated / (double)Math.Max(1, documents) / 1024:N1} KB allocated per document");
}

internal static class Seed
{
    // Case data of about 1 KB: a typical case's fields; every fourth case carries SearchCriteria.
    public const string CasesSql = """
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
        ANALYZE;
        """;

    public const string EnqueueSql = """
        INSERT INTO ccd.es_queue (reference, case_revision, enqueued_at)
        SELECT 1000000000000000 + n, 1, now() AT TIME ZONE 'utc' FROM generate_series(@first, @last) AS n
        """;
}
