using System.Text.Json.Nodes;
using Ccd.Runtime.SearchIndexing;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

public sealed class ReindexAndDeadLetterTests(PostgresServer postgres)
{
    [Fact]
    public async Task reindex_requeues_without_bumping_revisions_and_live_changes_overtake_it()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        var writer = new CaseWriter(dataSource);
        for (var n = 1; n <= 5; n++)
        {
            await writer.CreateAsync(CaseWriter.Reference(n), id: n, new JsonObject { ["n"] = n });
        }

        await using (var indexer = await IndexingTestHost.StartAsync(connectionString, fake))
        {
            await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);
        }

        var before = fake.Items.Count;
        var output = new StringWriter();
        var queued = await Reindexing.RunAsync(dataSource, DateTime.UtcNow.AddDays(-1), "A58", TimeSpan.FromHours(6), TimeProvider.System, output, chunkSize: 2,
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(5, queued);
        Assert.Contains("queued 2/5", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("re-queued 5 case(s)", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_queue WHERE case_revision <> 1 OR enqueued_at < now() at time zone 'utc' + interval '5 hours'"));
        // Live work arrives after the re-index was queued: a change to a queued case, and a new case.
        await writer.UpdateAsync(CaseWriter.Reference(3), new JsonObject { ["n"] = 3, ["live"] = true });
        await writer.CreateAsync(CaseWriter.Reference(6), id: 6, new JsonObject { ["n"] = 6 });

        await using (var indexer = await IndexingTestHost.StartAsync(connectionString, fake, new Dictionary<string, string?>
        {
            ["Ccd:Elasticsearch:BatchSize"] = "1",
            ["Ccd:Elasticsearch:Concurrency"] = "1",
        }))
        {
            await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);
        }

        var after = fake.Items.Skip(before).ToList();
        Assert.Equal(["3", "6"], after.Take(2).Select(i => i.Id).Order());
        Assert.Equal(["1", "2", "4", "5"], after.Skip(2).Select(i => i.Id).Order());
        Assert.All(after.Where(i => i.Id != "3"), item => Assert.Equal(1, item.Version));
        Assert.Equal(2, fake.Get("a58_cases", "3")!.Version);
        Assert.Equal(7, await IndexingTestHost.ScalarAsync(dataSource, "SELECT sum(revision) FROM ccd.case_data"));
    }

    [Fact]
    public async Task reindex_keeps_a_queued_live_change_in_its_place_and_at_its_revision()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new CaseWriter(dataSource).CreateAsync(CaseWriter.Reference(1), id: 1, new JsonObject());
        await using (var stale = dataSource.CreateCommand("UPDATE ccd.es_queue SET case_revision = 9, enqueued_at = '2020-01-01'"))
        {
            await stale.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await Reindexing.RunAsync(dataSource, new DateTime(2000, 1, 1), null, TimeSpan.FromHours(6), TimeProvider.System, TextWriter.Null,
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_queue WHERE case_revision = 9 AND enqueued_at = '2020-01-01'"));
    }

    [Fact]
    public async Task dead_letters_are_listed_and_a_retry_after_the_fix_indexes_the_case_and_clears_them()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        var poisoned = true;
        fake.Poison = (_, id, _) => Volatile.Read(ref poisoned) && id == "2";
        var writer = new CaseWriter(dataSource);
        await writer.CreateAsync(CaseWriter.Reference(1), id: 1, new JsonObject());
        await writer.CreateAsync(CaseWriter.Reference(2), id: 2, new JsonObject());
        await using var app = await IndexingTestHost.StartAsync(connectionString, fake);
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);
        Assert.NotNull(fake.Get("a58_cases", "1"));

        var listing = new StringWriter();
        Assert.Equal(1, await DeadLetters.ListAsync(dataSource, 100, listing, TestContext.Current.CancellationToken));
        Assert.Contains($"{CaseWriter.Reference(2)}\ta58_cases\t1\t", listing.ToString(), StringComparison.Ordinal);
        Assert.Contains("mapper_parsing_exception", listing.ToString(), StringComparison.Ordinal);

        Volatile.Write(ref poisoned, false);
        Assert.Equal(1, await DeadLetters.RetryAsync(dataSource, null, TimeProvider.System, TextWriter.Null, TestContext.Current.CancellationToken));

        await fake.WaitForAsync(f => f.Get("a58_cases", "2") is not null, IndexingTestHost.Ceiling, "the retried case is indexed");
        await IndexingTestHost.WaitUntilAsync(async () => await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_dead_letter_queue") == 0, "the dead letter is cleared");
        var after = new StringWriter();
        Assert.Equal(0, await DeadLetters.ListAsync(dataSource, 100, after, TestContext.Current.CancellationToken));
        Assert.Contains("no dead letters", after.ToString(), StringComparison.Ordinal);
    }
}
