using System.Globalization;
using System.Text.Json.Nodes;
using Ccd.Runtime.SearchIndexing;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

public sealed class ConcurrentIndexingTests(PostgresServer postgres)
{
    private const int Cases = 1_000;
    private const int Events = 10_000;
    private const int Writers = 8;

    [Fact]
    public async Task ten_thousand_events_over_a_thousand_cases_with_concurrent_writers_and_two_indexers_end_at_each_latest_snapshot()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        var settings = new Dictionary<string, string?> { ["Ccd:Elasticsearch:BatchSize"] = "100", ["Ccd:Elasticsearch:Concurrency"] = "2" };
        await using var first = await IndexingTestHost.StartAsync(connectionString, fake, settings);
        await using var second = await IndexingTestHost.StartAsync(connectionString, fake, settings);
        var writer = new CaseWriter(dataSource);

        // The writers create their shares of the cases, then update random cases (anyone's) while both indexers drain.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var n = w; n < Cases; n += Writers)
            {
                await writer.CreateAsync(CaseWriter.Reference(n), id: n + 1, new JsonObject { ["n"] = n, ["writer"] = w });
            }
        }, TestContext.Current.CancellationToken)));
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var e = 0; e < (Events - Cases) / Writers; e++)
            {
                var n = random.Next(Cases);
                await writer.UpdateAsync(CaseWriter.Reference(n), new JsonObject { ["n"] = n, ["writer"] = w, ["event"] = e }, state: $"S{random.Next(3)}");
            }
        }, TestContext.Current.CancellationToken)));
        Assert.Equal(Events, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.case_event"));

        var latest = await LatestRevisionsAsync(dataSource);
        await fake.WaitForAsync(
            f => latest.All(c => f.Get("a58_cases", c.Key)?.Version == c.Value),
            TimeSpan.FromMinutes(3),
            "every case indexed at its latest revision");
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);

        var snapshots = await SnapshotsAsync(dataSource);
        foreach (var (id, revision) in latest)
        {
            AssertIsSnapshot(JsonNode.Parse(fake.Get("a58_cases", id)!.Source!)!, revision, snapshots);
        }

        // Every item received (not only what external_gte kept) carried the snapshot of the revision it was versioned with.
        var received = fake.Items.Where(i => i.Index == "a58_cases").ToList();
        Assert.True(received.Count >= Cases);
        foreach (var item in received)
        {
            AssertIsSnapshot(JsonNode.Parse(item.Document!)!, (int)item.Version, snapshots);
        }

        Assert.True(first.Services.GetRequiredService<SearchIndexer>().ClaimedCases > 0, "the first indexer took part");
        Assert.True(second.Services.GetRequiredService<SearchIndexer>().ClaimedCases > 0, "the second indexer took part");
    }

    private static void AssertIsSnapshot(JsonNode document, int version, Dictionary<(long, int), (long EventRowId, string Data, string State)> snapshots)
    {
        var reference = (long)document["reference"]!;
        Assert.Equal(version, (int)document["case_revision"]!);
        var snapshot = snapshots[(reference, version)];
        Assert.Equal(snapshot.EventRowId, (long)document["event_id"]!);
        Assert.Equal(snapshot.State, (string)document["state"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(snapshot.Data), document["data"]), $"case {reference} at {version}: data differs from its history row");
    }

    private static async Task<Dictionary<string, int>> LatestRevisionsAsync(NpgsqlDataSource dataSource)
    {
        var latest = new Dictionary<string, int>();
        await using var command = dataSource.CreateCommand("SELECT id, revision FROM ccd.case_data");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            latest[reader.GetInt64(0).ToString(CultureInfo.InvariantCulture)] = reader.GetInt32(1);
        }

        return latest;
    }

    private static async Task<Dictionary<(long, int), (long, string, string)>> SnapshotsAsync(NpgsqlDataSource dataSource)
    {
        var snapshots = new Dictionary<(long, int), (long, string, string)>();
        await using var command = dataSource.CreateCommand("SELECT case_reference, case_revision, id, data::text, state_id FROM ccd.case_event");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            snapshots[(reader.GetInt64(0), reader.GetInt32(1))] = (reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
        }

        return snapshots;
    }
}
