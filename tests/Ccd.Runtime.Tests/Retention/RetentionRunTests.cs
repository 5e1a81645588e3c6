using Ccd.Runtime.Retention;
using Ccd.Runtime.Writing;
using Ccd.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Retention;

public sealed class RetentionRunTests(PostgresServer postgres)
{
    private static readonly DateTime Created = new(2020, 1, 1, 9, 0, 0, DateTimeKind.Unspecified);
    private static readonly DateOnly Today = new(2026, 6, 15);

    // A58: 100 cases, 3 past their TTL, 1 due today (not yet passed), 1 due later; B1: 40 cases, 2 past.
    private static readonly long[] ExpiredA58 = [StoreSeed.Reference(1), StoreSeed.Reference(2), StoreSeed.Reference(3)];
    private static readonly long[] ExpiredB1 = [StoreSeed.Reference(201), StoreSeed.Reference(202)];

    // These tests cover the local-only mode (case types that are not in CCD); RetentionWithCcdTests the CCD one.
    private static readonly string[] LocalOnly = ["A58", "B1"];

    // Every row that belongs to a case, by table; what disposal must leave at zero.
    private const string RowsOfCaseSql = """
        SELECT (SELECT count(*) FROM ccd.case_data WHERE reference = @r)
             + (SELECT count(*) FROM ccd.case_event WHERE case_reference = @r)
             + (SELECT count(*) FROM ccd.case_event_significant_items i JOIN ccd.case_event e ON e.id = i.case_event_id WHERE e.case_reference = @r)
             + (SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = @r)
             + (SELECT count(*) FROM ccd.jobs WHERE case_reference = @r)
             + (SELECT count(*) FROM ccd.es_dead_letter_queue WHERE reference = @r)
        """;

    [Fact]
    public async Task a_dry_run_lists_the_cases_past_their_ttl_and_deletes_nothing()
    {
        await using var dataSource = await SeedAsync();
        var before = await CountAsync(dataSource, "SELECT count(*) FROM ccd.case_event");

        var report = await Runner(dataSource).RunAsync(dryRun: true, TestContext.Current.CancellationToken);

        Assert.Equal(RetentionOutcome.DryRun, report.Outcome);
        Assert.Equal(ExpiredA58.Concat(ExpiredB1).Order(), report.Candidates.Select(c => c.Reference).Order());
        Assert.Empty(report.Disposed);
        Assert.Equal(140, await CountAsync(dataSource, "SELECT count(*) FROM ccd.case_data"));
        Assert.Equal(before, await CountAsync(dataSource, "SELECT count(*) FROM ccd.case_event"));
    }

    [Fact]
    public async Task a_run_disposes_of_exactly_the_eligible_cases_and_everything_of_theirs()
    {
        await using var dataSource = await SeedAsync();
        var eventsOfOthers = await CountAsync(dataSource, $"SELECT count(*) FROM ccd.case_event WHERE case_reference <> ALL(ARRAY[{string.Join(",", ExpiredA58.Concat(ExpiredB1))}])");

        var report = await Runner(dataSource).RunAsync(dryRun: false, TestContext.Current.CancellationToken);

        Assert.Equal(RetentionOutcome.Completed, report.Outcome);
        Assert.Equal(ExpiredA58.Concat(ExpiredB1).Order(), report.Disposed.Select(c => c.Reference).Order());
        foreach (var reference in ExpiredA58.Concat(ExpiredB1))
        {
            Assert.Equal(0, await CountAsync(dataSource, RowsOfCaseSql, reference));
            // The search documents go too: the queue carries the deletion and the tombstone says where they live.
            Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM ccd.es_queue WHERE reference = @r", reference));
            Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM ccd.es_removed_cases WHERE reference = @r", reference));
        }

        Assert.Equal(135, await CountAsync(dataSource, "SELECT count(*) FROM ccd.case_data"));
        Assert.Equal(eventsOfOthers, await CountAsync(dataSource, "SELECT count(*) FROM ccd.case_event"));
        Assert.Equal(eventsOfOthers / 2, await CountAsync(dataSource, "SELECT count(*) FROM ccd.case_event_significant_items"));
        Assert.Equal(135, await CountAsync(dataSource, "SELECT count(*) FROM ccd.message_queue_candidates"));
        Assert.Equal(135, await CountAsync(dataSource, "SELECT count(*) FROM ccd.jobs"));

        var again = await Runner(dataSource).RunAsync(dryRun: false, TestContext.Current.CancellationToken);
        Assert.Empty(again.Disposed);
    }

    [Fact]
    public async Task a_policy_decides_for_its_case_type_inside_the_disposal_transaction()
    {
        await using var dataSource = await SeedAsync();
        var policy = new KeepFirstPolicy(ExpiredA58[0]);

        var report = await Runner(dataSource, policies: [policy]).RunAsync(dryRun: false, TestContext.Current.CancellationToken);

        Assert.Equal([ExpiredA58[0]], report.Retained.Select(c => c.Reference));
        Assert.Equal(ExpiredA58.Skip(1).Concat(ExpiredB1).Order(), report.Disposed.Select(c => c.Reference).Order());
        Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM ccd.case_data WHERE reference = @r", ExpiredA58[0]));
        Assert.Equal(ExpiredA58.Order(), policy.Asked.Order()); // only its own case type, each once
        // The policy's own write committed with the disposal.
        Assert.Equal(2, await CountAsync(dataSource, "SELECT count(*) FROM disposal_log"));
    }

    [Fact]
    public async Task the_circuit_breaker_refuses_a_run_over_the_threshold_and_disposes_of_nothing()
    {
        await using var dataSource = await SeedAsync();
        // Ten more A58 cases expire: 13 of 110 (11.8%) is over 5%.
        for (var i = 0; i < 10; i++)
        {
            await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(300 + i), "A58", events: 1, Created, Today.AddDays(-1));
        }

        var report = await Runner(dataSource).RunAsync(dryRun: false, TestContext.Current.CancellationToken);

        Assert.Equal(RetentionOutcome.Refused, report.Outcome);
        var breach = Assert.Single(report.Breaches);
        Assert.Equal(("A58", 13L, 110L), (breach.CaseTypeId, breach.Candidates, breach.Population));
        Assert.Equal(150, await CountAsync(dataSource, "SELECT count(*) FROM ccd.case_data"));

        // A higher configured limit lets the same run through.
        var allowed = await Runner(dataSource, new RetentionOptions { MaximumShare = 0.2, LocalOnlyCaseTypes = LocalOnly }).RunAsync(dryRun: false, TestContext.Current.CancellationToken);
        Assert.Equal(15, allowed.Disposed.Count);
    }

    [Fact]
    public async Task fewer_candidates_than_the_minimum_never_trip_the_breaker()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        // 9 of 10 cases expired (90%), but under the minimum of 10 candidates.
        for (var i = 0; i < 10; i++)
        {
            await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(i), "A58", events: 1, Created, i < 9 ? Today.AddDays(-3) : null);
        }

        var report = await Runner(dataSource).RunAsync(dryRun: false, TestContext.Current.CancellationToken);

        Assert.Equal(9, report.Disposed.Count);
    }

    [Fact]
    public async Task two_concurrent_runs_never_both_dispose_and_a_held_lock_stops_a_run()
    {
        await using var dataSource = await SeedAsync();

        var runs = await Task.WhenAll(
            Task.Run(() => Runner(dataSource).RunAsync(dryRun: false, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken),
            Task.Run(() => Runner(dataSource).RunAsync(dryRun: false, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

        var disposed = runs.SelectMany(run => run.Disposed.Select(c => c.Reference)).ToList();
        Assert.Equal(ExpiredA58.Concat(ExpiredB1).Order(), disposed.Order());

        // While another replica holds the lock, a run does nothing at all.
        await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(400), "A58", events: 1, Created, Today.AddDays(-1));
        await using var other = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using (var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({RetentionRun.AdvisoryLockKey})", other))
        {
            await hold.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var locked = await Runner(dataSource).RunAsync(dryRun: false, TestContext.Current.CancellationToken);
        Assert.Equal(RetentionOutcome.Locked, locked.Outcome);
        Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM ccd.case_data WHERE reference = @r", StoreSeed.Reference(400)));
    }

    private static RetentionRun Runner(NpgsqlDataSource dataSource, RetentionOptions? options = null, IEnumerable<ICaseRetentionPolicy>? policies = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero));
        var pipeline = new CaseWritePipeline(dataSource, time, new CaseGate(), Options.Create(new SubmissionOptions()));
        return new(dataSource, pipeline, time, policies ?? [], options ?? new RetentionOptions { LocalOnlyCaseTypes = LocalOnly }, NullLogger<RetentionRun>.Instance);
    }

    private async Task<NpgsqlDataSource> SeedAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        for (var i = 1; i <= 100; i++)
        {
            DateOnly? ttl = i switch { <= 3 => Today.AddDays(-i), 4 => Today, 5 => Today.AddYears(1), _ => null };
            await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(i), "A58", events: 2, Created, ttl);
        }

        for (var i = 201; i <= 240; i++)
        {
            await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(i), "B1", events: 2, Created, i <= 202 ? Today.AddDays(-30) : null);
        }

        // Each case also has a significant item on its first event, an outbox row, a job and (some) a dead letter.
        await StoreSeed.ExecuteAsync(dataSource, """
            INSERT INTO ccd.case_event_significant_items (case_event_id, type, description, url)
                SELECT id, 'DOCUMENT', 'Order', 'https://dm/1' FROM ccd.case_event WHERE case_revision = 1;
            INSERT INTO ccd.message_queue_candidates (reference, message_type, time_stamp, message_information)
                SELECT reference, 'CASE_EVENT', '2026-01-01', '{}' FROM ccd.case_data;
            INSERT INTO ccd.jobs (kind, payload, idempotency_key, case_reference, next_attempt_at, created_at, updated_at)
                SELECT 'notify', '{}', 'job-' || reference, reference, '2026-01-01', '2026-01-01', '2026-01-01' FROM ccd.case_data;
            INSERT INTO ccd.es_dead_letter_queue (reference, case_revision, index_name, reason, created_at)
                SELECT reference, 1, 'a58_cases', 'bad', '2026-01-01' FROM ccd.case_data WHERE resolved_ttl IS NOT NULL;
            CREATE TABLE disposal_log (reference bigint PRIMARY KEY);
            """);
        return dataSource;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql, long? reference = null)
    {
        await using var command = dataSource.CreateCommand(sql);
        if (reference is not null)
        {
            command.Parameters.AddWithValue("r", reference.Value);
        }

        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    // Keeps one case (a legal hold) and records each disposal in the service's own table, in the same transaction.
    private sealed class KeepFirstPolicy(long keep) : ICaseRetentionPolicy
    {
        public List<long> Asked { get; } = [];

        public string CaseTypeId => "A58";

        public async Task<bool> DisposeOfCaseAsync(CaseDisposal disposal, CancellationToken cancellationToken)
        {
            Asked.Add(disposal.Reference);
            if (disposal.Reference == keep)
            {
                return false;
            }

            await using var command = new NpgsqlCommand("INSERT INTO disposal_log VALUES (@r)", disposal.Connection, disposal.Transaction);
            command.Parameters.AddWithValue("r", disposal.Reference);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
    }
}
