using System.Text.Json.Nodes;
using Ccd.Runtime.SearchIndexing;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

/// <summary>The queue's claim and completion statements directly: what a completed batch leaves behind.</summary>
public sealed class QueueCompletionTests(PostgresServer postgres)
{
    private static readonly BackOff BackOff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    [Fact]
    public async Task a_case_changed_while_its_batch_was_out_stays_queued_at_its_newer_revision_released_for_the_next_claim()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var writer = new CaseWriter(dataSource);
        for (var n = 1; n <= 3; n++)
        {
            await writer.CreateAsync(CaseWriter.Reference(n), id: n, new JsonObject { ["n"] = n });
        }

        var token = Guid.NewGuid();
        var now = Now();
        var claimed = await IndexQueue.ClaimAsync(dataSource, token, now, now.AddSeconds(60), 10, TestContext.Current.CancellationToken);
        Assert.Equal([1, 1, 1], claimed.Select(c => c.Case!.Revision));
        // Case 2 changes while its revision 1 is being indexed.
        Assert.Equal(2, await writer.UpdateAsync(CaseWriter.Reference(2), new JsonObject { ["n"] = 22 }));

        var result = new BatchResult();
        foreach (var queued in claimed)
        {
            result.Done.Add((queued.Reference, queued.Case!.Revision));
        }

        await IndexQueue.CompleteAsync(dataSource, token, result, Now(), BackOff, TestContext.Current.CancellationToken);

        Assert.Equal([(CaseWriter.Reference(2), 2, (Guid?)null, false)], await QueueAsync(dataSource));
        var next = await IndexQueue.ClaimAsync(dataSource, Guid.NewGuid(), Now(), Now().AddSeconds(60), 10, TestContext.Current.CancellationToken);
        var again = Assert.Single(next);
        Assert.Equal((CaseWriter.Reference(2), 2), (again.Reference, again.Case!.Revision));
    }

    [Fact]
    public async Task a_completion_after_the_lease_was_taken_over_neither_deletes_nor_releases_the_new_holders_rows()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await new CaseWriter(dataSource).CreateAsync(CaseWriter.Reference(1), id: 1, new JsonObject { ["n"] = 1 });
        var now = Now();
        var late = Guid.NewGuid();
        var first = Assert.Single(await IndexQueue.ClaimAsync(dataSource, late, now, now.AddSeconds(30), 10, TestContext.Current.CancellationToken));
        // The first holder's lease ends; another indexer takes the case.
        var holder = Guid.NewGuid();
        Assert.Single(await IndexQueue.ClaimAsync(dataSource, holder, now.AddSeconds(31), now.AddSeconds(91), 10, TestContext.Current.CancellationToken));

        var result = new BatchResult();
        result.Done.Add((first.Reference, first.Case!.Revision));
        await IndexQueue.CompleteAsync(dataSource, late, result, now.AddSeconds(32), BackOff, TestContext.Current.CancellationToken);

        Assert.Equal([(CaseWriter.Reference(1), 1, (Guid?)holder, true)], await QueueAsync(dataSource));
    }

    private static async Task<List<(long Reference, int Revision, Guid? Token, bool Locked)>> QueueAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT reference, case_revision, lock_token, locked_until IS NOT NULL FROM ccd.es_queue ORDER BY reference");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(long, int, Guid?, bool)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((reader.GetInt64(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    private static DateTime Now() => DateTime.SpecifyKind(DateTime.UtcNow, DateTimeKind.Unspecified);
}
