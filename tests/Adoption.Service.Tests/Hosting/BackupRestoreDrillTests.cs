using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Adoption.Service.Hosting;
using Adoption.Service.Tests.Hosting;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.LocalDatabase;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>
/// The restore drill of docs/operations.md, end to end: dump a store seeded through the APIs, restore it into a
/// fresh PostgreSQL cluster, serve it, compare every read byte for byte, then rebuild an empty search index
/// from the restored database with the real binary's <c>reindex</c> command.
/// </summary>
public sealed class BackupRestoreDrillTests(PostgresServer postgres)
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(90);

    // Every row of every table of both schemas, and every sequence's position, as one fingerprint per object.
    private const string TablesSql = """
        SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_schema IN ('ccd', 'adoption') AND table_type = 'BASE TABLE' ORDER BY 1, 2
        """;

    private const string SequencesSql = """
        SELECT string_agg(schemaname || '.' || sequencename || '=' || coalesce(last_value::text, 'unused'), ', ' ORDER BY schemaname, sequencename)
        FROM pg_sequences WHERE schemaname IN ('ccd', 'adoption')
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_dump_restored_into_a_fresh_cluster_serves_identical_cases_and_history_and_reindex_rebuilds_the_search_index()
    {
        await using var productionIndex = await FakeElasticsearch.StartAsync();
        var productionSettings = DrillSeed.BlobTypeConfiguration();
        productionSettings["Ccd:Elasticsearch:Url"] = productionIndex.Url.ToString();
        await using var original = await AdoptionApp.StartAsync(postgres, configuration: productionSettings);
        var deletedCase = await DrillSeed.SeedAsync(original);
        await WaitForEmptyQueueAsync(original.Database);
        var references = await ListAsync<long>(original.Database, "SELECT reference FROM ccd.case_data ORDER BY reference");
        var caseIds = await ListAsync<Guid>(original.Database, "SELECT id FROM adoption.cases ORDER BY id");
        var deletedReference = await ScalarAsync<long>(original.Database, $"SELECT ccd_reference FROM adoption.cases WHERE id = '{deletedCase}'");
        var readsBefore = await ApiReads.ReadAllAsync(original.App, references, caseIds);

        var folder = Path.Combine(Path.GetTempPath(), $"ccd-drill-{Guid.NewGuid():N}"[..22]);
        Directory.CreateDirectory(folder);
        LocalPostgresCluster? fresh = null;
        try
        {
            var dump = Path.Combine(folder, "store.dump");
            var storeBefore = await FingerprintAsync(original.Database);
            await PostgresBackup.DumpAsync(original.ConnectionString, dump);
            Assert.Equal(storeBefore, await FingerprintAsync(original.Database)); // nothing wrote meanwhile: the dump is this state

            fresh = await LocalPostgresCluster.StartAsync(Path.Combine(folder, "data"), throwaway: true, cancellationToken: Ct);
            await fresh.EnsureDatabaseAsync("restored", Ct);
            var restoredConnection = fresh.ConnectionString("restored");
            // Roles belong to the cluster, not to the dump: the runtime role its grants name must exist first.
            await using (var roles = new NpgsqlConnection(restoredConnection))
            {
                await roles.OpenAsync(Ct);
                await Ccd.Runtime.Database.RuntimeLoginBootstrap.EnsureAsync(roles, new NpgsqlConnectionStringBuilder(restoredConnection).Password, Ct);
            }

            await PostgresBackup.RestoreAsync(restoredConnection, dump);
            await using var restoredDatabase = NpgsqlDataSource.Create(restoredConnection);
            Assert.Equal(storeBefore, await FingerprintAsync(restoredDatabase));

            // The service starts on the restored store as it is (its migration journal came with it) and serves the same bytes.
            var clock = new FakeTimeProvider(original.Time.GetUtcNow());
            await using (var restored = await TestServiceApp.StartAsync(AdoptionDefinition.Service, restoredConnection, DrillSeed.BlobTypeConfiguration(),
                services => services.AddSingleton<TimeProvider>(clock)))
            {
                var readsAfter = await ApiReads.ReadAllAsync(restored, references, caseIds);
                Assert.Equal(readsBefore.Count, readsAfter.Count);
                for (var i = 0; i < readsBefore.Count; i++)
                {
                    Assert.Equal(readsBefore[i], readsAfter[i]);
                }

                AssertTheReadsCoverTheStore(readsAfter, references, deletedReference, deletedCase);
                await AssertBothStoresContinueAlikeAsync(original, restored);
            }

            // Rebuild an empty index from the restored store. The dump's queue was drained, so only the two writes made
            // after the restore are queued; every other case reaches the new index only because reindex queues it.
            await WaitForEmptyQueueAsync(original.Database);
            Assert.Equal(2, await ScalarAsync<long>(restoredDatabase, "SELECT count(*) FROM ccd.es_queue"));
            var reindex = await ServiceBinary.RunAsync(new Dictionary<string, string?>
            {
                ["APP_ENV"] = "TEST",
                ["TEST_DATABASE_URL"] = restoredConnection,
            }, Ceiling, "reindex", "--since", "1970-01-01");
            Assert.True(reindex.ExitCode == 0, reindex.Output);
            // Every case row, the soft-deleted one and the case created after the restore included.
            Assert.Contains($"re-queued {references.Count + 1} case(s)", reindex.Output, StringComparison.Ordinal);

            await using var rebuiltIndex = await FakeElasticsearch.StartAsync();
            var indexerSettings = DrillSeed.BlobTypeConfiguration();
            indexerSettings["Ccd:Elasticsearch:Url"] = rebuiltIndex.Url.ToString();
            await using (await TestServiceApp.StartAsync(AdoptionDefinition.Service, restoredConnection, indexerSettings,
                services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(original.Time.GetUtcNow()))))
            {
                await WaitForEmptyQueueAsync(restoredDatabase);
            }

            await AssertTheIndexIsRebuiltAsync(restoredDatabase, rebuiltIndex, productionIndex, deletedReference);
        }
        finally
        {
            if (fresh is not null)
            {
                await fresh.StopAsync();
            }

            Directory.Delete(folder, recursive: true);
        }

        Assert.False(Directory.Exists(folder));
    }

    private static void AssertTheReadsCoverTheStore(IReadOnlyList<ApiRead> reads, IReadOnlyList<long> references, long deletedReference, Guid deletedCase)
    {
        // Every live case came back from CCD's read; the soft-deleted one from neither API.
        var cases = JsonNode.Parse(reads[0].Body)!.AsArray().Select(c => c!["case_details"]!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(references.Where(r => r != deletedReference), cases);
        Assert.Equal(HttpStatusCode.NotFound, reads.Single(r => r.Url == $"/api/cases/{deletedCase}").Status);
        Assert.True(reads.Count(r => r.Url.Contains("/history/", StringComparison.Ordinal)) >= 15, "every history event was read one by one");
    }

    /// <summary>Sequences, case-number counters and revisions came back too: the same next writes give the same answers.</summary>
    private static async Task AssertBothStoresContinueAlikeAsync(AdoptionApp original, TestServiceApp restored)
    {
        var blobCase = await ScalarAsync<long>(original.Database, "SELECT reference FROM ccd.case_data WHERE case_type_id = 'B1' AND NOT data ? 'SearchCriteria' ORDER BY reference LIMIT 1");
        var version = await ScalarAsync<int>(original.Database, $"SELECT version FROM ccd.case_data WHERE reference = {blobCase}");
        var key = Guid.NewGuid();
        var data = new JsonObject { ["note"] = "after the restore" };
        using var originalClient = DrillSeed.CcdHttp(original.App);
        using var restoredClient = DrillSeed.CcdHttp(restored);
        var onOriginal = await DrillSeed.SubmitBlobAsync(originalClient, blobCase, "update", version, data, key);
        var onRestored = await DrillSeed.SubmitBlobAsync(restoredClient, blobCase, "update", version, data, key);
        Assert.Equal(HttpStatusCode.Created, onOriginal.Status);
        Assert.Equal(onOriginal, onRestored);
        Assert.Equal(await originalClient.GetStringAsync($"/ccd-persistence/cases/{blobCase}/history", Ct),
            await restoredClient.GetStringAsync($"/ccd-persistence/cases/{blobCase}/history", Ct));

        var originalNumber = await CreateCaseNumberAsync(original.Admin());
        var restoredNumber = await CreateCaseNumberAsync(restored.CreateClient(TestTokens.User("admin-1", ["admin"]), serviceToken: null));
        Assert.Equal("BFC/2026/00004", originalNumber);
        Assert.Equal(originalNumber, restoredNumber);
    }

    private static async Task<string> CreateCaseNumberAsync(HttpClient admin)
    {
        using var response = await admin.PostAsJsonAsync("/api/cases", new { courtCode = "BFC", applicantName = "After Restore", childName = "Kid" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("caseNumber").GetString()!;
    }

    /// <summary>One document per live case at its revision, the same documents production had, nothing for the deleted case.</summary>
    private static async Task AssertTheIndexIsRebuiltAsync(NpgsqlDataSource restored, FakeElasticsearch rebuilt, FakeElasticsearch production, long deletedReference)
    {
        var live = new List<(string Index, string Id, long Revision)>();
        await using (var command = restored.CreateCommand(
            "SELECT lower(case_type_id) || '_cases', coalesce(id, reference)::text, revision FROM ccd.case_data WHERE removed_at IS NULL ORDER BY reference"))
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                live.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
            }
        }

        Assert.Equal(8, live.Count); // 2 REST + 2 CCD adoption cases, 1 created after the restore, 3 B1
        foreach (var index in new[] { "a58_cases", "b1_cases" })
        {
            Assert.Equal(live.Where(c => c.Index == index).Select(c => c.Id).Order(), rebuilt.Documents(index).Keys.Order());
        }

        foreach (var (index, id, revision) in live)
        {
            var document = rebuilt.Get(index, id)!;
            Assert.Equal(revision, document.Version);
            Assert.Equal(revision, JsonNode.Parse(document.Source!)!["case_revision"]!.GetValue<long>());
        }

        // Production indexed the same cases at the same revisions from the original store: the same documents.
        // (The case created after the restore has its own random reference in each store, so it is not compared.)
        var compared = 0;
        foreach (var (index, id, _) in live.Where(c => production.Get(c.Index, c.Id) is not null))
        {
            Assert.Equal(production.Get(index, id)!.Source, rebuilt.Get(index, id)!.Source);
            compared++;
        }

        Assert.Equal(7, compared);
        Assert.Single(rebuilt.Documents("global_search")); // the B1 case with SearchCriteria
        Assert.Equal(production.Documents("global_search").Keys.Order(), rebuilt.Documents("global_search").Keys.Order());
        var deletedId = await ScalarAsync<string>(restored, $"SELECT coalesce(id, reference)::text FROM ccd.case_data WHERE reference = {deletedReference}");
        Assert.DoesNotContain(deletedId, rebuilt.Documents("a58_cases").Keys);
    }

    private static async Task<Dictionary<string, string>> FingerprintAsync(NpgsqlDataSource database)
    {
        var tables = new List<(string Schema, string Name)>();
        await using (var command = database.CreateCommand(TablesSql))
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Assert.Contains(("adoption", "audit_log"), tables);
        var fingerprint = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sequences"] = await ScalarAsync<string>(database, SequencesSql),
        };
        foreach (var (schema, name) in tables)
        {
            // Names come from the catalogue, not from input.
            fingerprint[$"{schema}.{name}"] = await ScalarAsync<string>(database,
                $"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM \"{schema}\".\"{name}\" t");
        }

        return fingerprint;
    }

    private static Task WaitForEmptyQueueAsync(NpgsqlDataSource database) => WaitUntilAsync(
        async () => await ScalarAsync<long>(database, "SELECT count(*) FROM ccd.es_queue") == 0, "the search queue is drained");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Ceiling;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within the liveness ceiling: {what}");
            await Task.Delay(50, Ct);
        }
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
