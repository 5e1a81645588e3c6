using System.Text.Json.Nodes;
using Ccd.Runtime.SearchIndexing;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

/// <summary>The queue's claim and completion statements directly: what a claim leases and what a completed batch leaves behind.</summary>
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

    [Fact]
    public async Task claims_side_by_side_never_lease_a_case_twice_and_a_lease_that_ended_is_taken_over_and_deleted()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var writer = new CaseWriter(dataSource);
        const int Cases = 60;
        for (var n = 1; n <= Cases; n++)
        {
            await writer.CreateAsync(CaseWriter.Reference(n), id: n, new JsonObject { ["n"] = n });
        }

        // Twelve claims of ten at once: serialised, each sees the leases before it, so no case is claimed twice and
        // the twelve claims share the sixty cases between them.
        var now = Now();
        var tokens = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();
        var claims = await Task.WhenAll(tokens.Select(token =>
            IndexQueue.ClaimAsync(dataSource, token, now, now.AddSeconds(30), 10, TestContext.Current.CancellationToken)));
        var claimed = claims.SelectMany(c => c.Select(q => q.Reference)).ToList();
        Assert.Equal(Cases, claimed.Count);
        Assert.Equal(Cases, claimed.Distinct().Count());
        Assert.Empty(await IndexQueue.ClaimAsync(dataSource, Guid.NewGuid(), now.AddSeconds(29), now.AddSeconds(59), 10, TestContext.Current.CancellationToken));
        Assert.Equal(now.AddSeconds(30), await IndexQueue.NextDueAsync(dataSource, TestContext.Current.CancellationToken));

        // Once the leases have ended, one claim takes the oldest cases over and the ended leases are gone.
        var taker = Guid.NewGuid();
        var taken = await IndexQueue.ClaimAsync(dataSource, taker, now.AddSeconds(30), now.AddSeconds(60), Cases, TestContext.Current.CancellationToken);
        Assert.Equal(Cases, taken.Count);
        Assert.Equal([taker], await LeaseTokensAsync(dataSource));
    }

    [Fact]
    public async Task a_batch_that_failed_as_a_whole_or_was_retried_is_released_at_once_with_its_error_and_back_off()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var writer = new CaseWriter(dataSource);
        for (var n = 1; n <= 2; n++)
        {
            await writer.CreateAsync(CaseWriter.Reference(n), id: n, new JsonObject { ["n"] = n });
        }

        var now = Now();
        var failed = Guid.NewGuid();
        var first = await IndexQueue.ClaimAsync(dataSource, failed, now, now.AddSeconds(60), 10, TestContext.Current.CancellationToken);
        await IndexQueue.ReleaseAsync(dataSource, failed, first.Select(c => c.Reference), "unreachable", TestContext.Current.CancellationToken);
        Assert.Empty(await LeaseTokensAsync(dataSource));
        Assert.Equal(2, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_queue WHERE last_error = 'unreachable' AND attempts = 0"));

        // Claimable again at once; this time case 1 is done and case 2 must wait its back-off.
        var retried = Guid.NewGuid();
        var second = await IndexQueue.ClaimAsync(dataSource, retried, now, now.AddSeconds(60), 10, TestContext.Current.CancellationToken);
        Assert.Equal(2, second.Count);
        var result = new BatchResult();
        result.Done.Add((CaseWriter.Reference(1), 1));
        result.Retries.Add((CaseWriter.Reference(2), "429"));
        await IndexQueue.CompleteAsync(dataSource, retried, result, now, BackOff, TestContext.Current.CancellationToken);

        Assert.Empty(await LeaseTokensAsync(dataSource));
        Assert.Equal([(CaseWriter.Reference(2), 1, (Guid?)null, false)], await QueueAsync(dataSource));
        Assert.Equal(now.AddSeconds(1), await IndexQueue.NextDueAsync(dataSource, TestContext.Current.CancellationToken));
        Assert.Empty(await IndexQueue.ClaimAsync(dataSource, Guid.NewGuid(), now.AddMilliseconds(999), now.AddSeconds(60), 10, TestContext.Current.CancellationToken));
        var again = Assert.Single(await IndexQueue.ClaimAsync(dataSource, Guid.NewGuid(), now.AddSeconds(1), now.AddSeconds(61), 10, TestContext.Current.CancellationToken));
        Assert.Equal(CaseWriter.Reference(2), again.Reference);
    }

    private static async Task<List<Guid>> LeaseTokensAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT token FROM ccd.es_queue_leases");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var tokens = new List<Guid>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            tokens.Add(reader.GetGuid(0));
        }

        return tokens;
    }

    private static async Task<List<(long Reference, int Revision, Guid? Token, bool Locked)>> QueueAsync(NpgsqlDataSource dataSource)
    {
        // A row's lease is the lease row whose references hold it (ccd.es_queue_leases, migration 0093).
        await using var command = dataSource.CreateCommand("""
            SELECT q.reference, q.case_revision, l.token, l.token IS NOT NULL
            FROM ccd.es_queue q LEFT JOIN ccd.es_queue_leases l ON q.reference = ANY (l.refs)
            ORDER BY q.reference
            """);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(long, int, Guid?, bool)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((reader.GetInt64(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    // Whole milliseconds, so that times read back from PostgreSQL (microseconds) compare equal.
    private static DateTime Now()
    {
        var ticks = DateTime.UtcNow.Ticks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Unspecified);
    }
}
