using Ccd.Runtime.Schema;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Schema;

public sealed class MigrationRunnerTests(PostgresServer postgres)
{
    private static MigrationSource Source(params (string Name, string Sql)[] scripts) =>
        new("sample", scripts.Select(s => MigrationScript.FromText(s.Name, s.Sql)));

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task applies_scripts_in_name_order_and_a_rerun_applies_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());
        var source = Source(
            ("0002_fill.sql", "INSERT INTO sample_t VALUES (2);"),
            ("0001_create.sql", "CREATE TABLE sample_t (v int);"));

        var first = await new MigrationRunner(dataSource, [MigrationSource.Ccd, source]).ApplyAsync(TestContext.Current.CancellationToken);
        var second = await new MigrationRunner(dataSource, [MigrationSource.Ccd, source]).ApplyAsync(TestContext.Current.CancellationToken);

        // The runtime's own migrations come first (their list grows with features), then the service's in name order.
        Assert.Equal("ccd/0001_ccd_schema.sql", first[0]);
        Assert.Equal(["sample/0001_create.sql", "sample/0002_fill.sql"], first.SkipWhile(name => name.StartsWith("ccd/", StringComparison.Ordinal)));
        Assert.Empty(second);
        Assert.Equal(1, await ScalarAsync(dataSource, "SELECT count(*) FROM sample_t"));
    }

    [Fact]
    public async Task an_applied_script_that_was_edited_is_refused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());
        await new MigrationRunner(dataSource, [Source(("0001_a.sql", "CREATE TABLE a (v int);"))]).ApplyAsync(TestContext.Current.CancellationToken);

        var edited = new MigrationRunner(dataSource, [Source(("0001_a.sql", "CREATE TABLE a (v bigint);"))]);

        var refusal = await Assert.ThrowsAsync<MigrationException>(() => edited.ApplyAsync(TestContext.Current.CancellationToken));
        Assert.Contains("0001_a.sql was changed after it was applied", refusal.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<MigrationException>(() => edited.PendingAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task two_overlapping_runners_apply_each_script_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());
        // The sleep holds the first runner inside the script while the second one starts.
        var source = Source(
            ("0001_slow.sql", "SELECT pg_sleep(1); CREATE TABLE counter (v int); INSERT INTO counter VALUES (1);"),
            ("0002_more.sql", "INSERT INTO counter VALUES (2);"));

        var runs = await Task.WhenAll(
            new MigrationRunner(dataSource, [source]).ApplyAsync(TestContext.Current.CancellationToken),
            new MigrationRunner(dataSource, [source]).ApplyAsync(TestContext.Current.CancellationToken));

        Assert.Equal(2, runs.Sum(applied => applied.Count));
        Assert.Equal(2, await ScalarAsync(dataSource, "SELECT count(*) FROM counter"));
        Assert.Equal(2, await ScalarAsync(dataSource, "SELECT count(*) FROM ccd.schema_migrations WHERE module = 'sample'"));
    }

    [Fact]
    public async Task a_failing_script_leaves_no_journal_row_and_no_partial_schema()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());
        var source = Source(("0001_bad.sql", "CREATE TABLE half (v int); INSERT INTO half VALUES ('not a number');"));

        var failure = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(dataSource, [source]).ApplyAsync(TestContext.Current.CancellationToken));

        Assert.Contains("0001_bad.sql failed", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync(dataSource, "SELECT count(*) FROM ccd.schema_migrations WHERE module = 'sample'"));
        Assert.Equal(0, await ScalarAsync(dataSource, "SELECT count(*) FROM pg_tables WHERE tablename = 'half'"));
    }

    [Fact]
    public async Task a_script_marked_no_transaction_runs_outside_one()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());
        var source = Source(
            ("0001_t.sql", "CREATE TABLE t (v int);"),
            ("0002_index.sql", "-- ccd:no-transaction\nCREATE INDEX CONCURRENTLY t_v ON t (v);"));

        var applied = await new MigrationRunner(dataSource, [source]).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, applied.Count);
        Assert.Equal(1, await ScalarAsync(dataSource, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_v'"));
    }

    [Fact]
    public async Task the_ccd_schema_refuses_non_object_data_and_duplicate_history()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        const string insertCase = """
            INSERT INTO ccd.case_data (reference, jurisdiction, case_type_id, state, data, security_classification, created_date, last_modified, last_state_modified_date)
            VALUES (1234567890123452, 'J', 'T', 'Open', @data::jsonb, 'PUBLIC', now(), now(), now())
            """;
        await using (var bad = dataSource.CreateCommand(insertCase))
        {
            bad.Parameters.AddWithValue("data", "[1,2]");
            var error = await Assert.ThrowsAsync<PostgresException>(() => bad.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
            Assert.Equal("case_data_data_is_object", error.ConstraintName);
        }

        await using (var good = dataSource.CreateCommand(insertCase))
        {
            good.Parameters.AddWithValue("data", "{}");
            await good.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        const string insertEvent = """
            INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, user_id, created_date, case_type_id, state_id, data, security_classification)
            VALUES (1234567890123452, 1, 1, 'create', 'Create', 'u1', now(), 'T', 'Open', '{}', 'PUBLIC')
            """;
        await using (var first = dataSource.CreateCommand(insertEvent))
        {
            await first.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var duplicate = dataSource.CreateCommand(insertEvent);
        var conflict = await Assert.ThrowsAsync<PostgresException>(() => duplicate.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        Assert.Equal("case_event_revision_unique", conflict.ConstraintName);
    }
}
