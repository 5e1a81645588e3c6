using Adoption.Service.Tests.Support;
using Ccd.Runtime.Schema;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Database;

/// <summary>
/// The service serves as the runtime role, which cannot rewrite history: every statement below runs on the
/// service's own data source against the real database, after a case (its events and audit rows) was created.
/// </summary>
public sealed class RuntimeRoleTests(PostgresServer postgres) : IAsyncLifetime
{
    private AdoptionApp _app = null!;
    private NpgsqlDataSource _runtime = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await AdoptionApp.StartAsync(postgres);
        await _app.CreateCaseAsync();
        _runtime = _app.App.Services.GetRequiredService<NpgsqlDataSource>();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_service_connects_as_the_runtime_login_which_owns_nothing_and_is_no_superuser()
    {
        Assert.Equal(PostgresServer.RuntimeLogin, await ScalarAsync<string>(_runtime, "SELECT current_user"));
        Assert.False(await ScalarAsync<bool>(_runtime, "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(0L, await ScalarAsync<long>(_runtime, """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('ccd', 'adoption') AND pg_has_role(current_user, c.relowner, 'USAGE')
            """));
        Assert.True(await ScalarAsync<long>(_runtime, "SELECT count(*) FROM ccd.case_event") > 0);
        Assert.True(await ScalarAsync<long>(_runtime, "SELECT count(*) FROM adoption.audit_log") > 0);
    }

    [Theory]
    [InlineData("ALTER TABLE adoption.audit_log DISABLE TRIGGER audit_log_no_update_or_delete")]
    [InlineData("ALTER TABLE adoption.audit_log DISABLE TRIGGER ALL")]
    [InlineData("DROP TRIGGER audit_log_no_update_or_delete ON adoption.audit_log")]
    [InlineData("DROP TRIGGER audit_log_no_truncate ON adoption.audit_log")]
    [InlineData("DROP FUNCTION adoption.audit_log_refuse_change() CASCADE")]
    [InlineData("CREATE OR REPLACE FUNCTION adoption.audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")]
    [InlineData("SET session_replication_role = replica")]
    [InlineData("UPDATE adoption.audit_log SET actor = 'someone else'")]
    [InlineData("DELETE FROM adoption.audit_log")]
    [InlineData("TRUNCATE adoption.audit_log")]
    [InlineData("UPDATE ccd.case_event SET summary = 'rewritten'")]
    [InlineData("DELETE FROM ccd.case_event")]
    [InlineData("TRUNCATE ccd.case_event CASCADE")]
    [InlineData("UPDATE ccd.case_event_significant_items SET url = 'elsewhere'")]
    [InlineData("DELETE FROM ccd.case_event_significant_items")]
    [InlineData("TRUNCATE ccd.case_data CASCADE")]
    [InlineData("ALTER TABLE ccd.case_event ADD COLUMN note text")]
    [InlineData("DROP TABLE adoption.audit_log")]
    [InlineData("CREATE TABLE ccd.shadow (id int)")]
    [InlineData("ALTER TABLE adoption.audit_log OWNER TO ccd_runtime_login")]
    [InlineData("INSERT INTO ccd.schema_migrations (module, name, checksum) VALUES ('ccd', 'x.sql', repeat('0', 64))")]
    public async Task Rewriting_history_as_the_runtime_role_is_refused(string statement)
    {
        var before = await HistoryAsync();
        var failure = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_runtime, statement));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, failure.SqlState);
        Assert.Equal(before, await HistoryAsync());
    }

    [Fact]
    public async Task The_runtime_role_appends_to_and_reads_the_history()
    {
        var (caseId, reference) = await FirstCaseAsync();
        await ExecuteAsync(_runtime, $"""
            INSERT INTO adoption.audit_log (id, at, actor, action, entity, entity_id, case_id)
            VALUES (gen_random_uuid(), now(), 'role-test', 'checked', 'case', '{caseId}', '{caseId}')
            """);
        await ExecuteAsync(_runtime, $"""
            INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, user_id, created_date,
                                        case_type_id, state_id, data, security_classification)
            VALUES ({reference}, 1000, 1000, 'roleTest', 'Role test', 'role-test', now(), 'A58', 'APPLICATION', jsonb_build_object(), 'PUBLIC')
            """);
        Assert.Equal(1L, await ScalarAsync<long>(_runtime, "SELECT count(*) FROM adoption.audit_log WHERE actor = 'role-test'"));
        Assert.Equal(1L, await ScalarAsync<long>(_runtime, "SELECT count(*) FROM ccd.case_event WHERE event_id = 'roleTest'"));
    }

    [Fact]
    public async Task A_table_and_schema_created_by_a_later_migration_get_the_runtime_grants()
    {
        var later = new MigrationSource("later", [MigrationScript.FromText("0001_later.sql", """
            CREATE SCHEMA later;
            CREATE TABLE later.things (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL);
            CREATE TABLE ccd.later_things (id bigserial PRIMARY KEY);
            """)]);
        // As the owner that applied the others (the test's connection is the owner's).
        await using (var owner = NpgsqlDataSource.Create(_app.ConnectionString))
        {
            await new MigrationRunner(owner, [later]).ApplyAsync(TestContext.Current.CancellationToken);
        }

        await ExecuteAsync(_runtime, "INSERT INTO later.things (name) VALUES ('a'), ('b')");
        await ExecuteAsync(_runtime, "UPDATE later.things SET name = 'c' WHERE name = 'a'");
        await ExecuteAsync(_runtime, "DELETE FROM later.things WHERE name = 'b'");
        await ExecuteAsync(_runtime, "INSERT INTO ccd.later_things DEFAULT VALUES");
        Assert.Equal(1L, await ScalarAsync<long>(_runtime, "SELECT count(*) FROM later.things"));
        var truncate = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_runtime, "TRUNCATE later.things"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, truncate.SqlState);
        var alter = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_runtime, "ALTER TABLE later.things ADD COLUMN x int"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, alter.SqlState);
    }

    private async Task<(Guid CaseId, long Reference)> FirstCaseAsync()
    {
        await using var command = _app.Database.CreateCommand("SELECT id, ccd_reference FROM adoption.cases LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        return (reader.GetGuid(0), reader.GetInt64(1));
    }

    // What the hostile statements must leave alone, read as the owner.
    private async Task<string> HistoryAsync() => await ScalarAsync<string>(_app.Database, """
        SELECT (SELECT count(*) FROM ccd.case_event) || '/' || (SELECT coalesce(string_agg(coalesce(summary, '') || event_id, ',' ORDER BY id), '') FROM ccd.case_event)
            || '/' || (SELECT count(*) FROM adoption.audit_log) || '/' || (SELECT string_agg(actor || action, ',' ORDER BY sequence) FROM adoption.audit_log)
            || '/' || (SELECT count(*) FROM ccd.case_data)
            || '/' || (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'adoption.audit_log'::regclass AND tgenabled = 'O')
        """);

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
