using System.Net;
using Adoption.Service.Tests.Support;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.CaseWrites;

/// <summary>Acceptance 6: the audit log is append-only for everyone, and an audit row never outlives a failed write.</summary>
public sealed class AuditLogTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("UPDATE adoption.audit_log SET actor = 'someone-else'")]
    [InlineData("DELETE FROM adoption.audit_log")]
    [InlineData("TRUNCATE adoption.audit_log")]
    [InlineData("TRUNCATE adoption.audit_log, adoption.documents, adoption.case_assignments, adoption.notifications, adoption.cases")]
    public async Task changing_audit_rows_fails_through_the_services_connection_and_as_the_schema_owner(string sql)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        await app.CreateCaseAsync();
        var rows = await app.CountAsync("SELECT count(*) FROM adoption.audit_log");

        var service = app.App.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var command = service.CreateCommand(sql))
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Ct));
            // The service serves as the runtime role, which holds no UPDATE, DELETE or TRUNCATE on the audit log.
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        await using (var connection = await app.Database.OpenConnectionAsync(Ct))
        {
            await using (var owner = new NpgsqlCommand(
                "SELECT format('SET ROLE %I', tableowner) FROM pg_tables WHERE schemaname = 'adoption' AND tablename = 'audit_log'", connection))
            await using (var setRole = new NpgsqlCommand((string)(await owner.ExecuteScalarAsync(Ct))!, connection))
            {
                await setRole.ExecuteNonQueryAsync(Ct);
            }

            await using var command = new NpgsqlCommand(sql, connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal); // the owner is stopped by the triggers
        }

        Assert.Equal(rows, await app.CountAsync("SELECT count(*) FROM adoption.audit_log"));
    }

    [Fact]
    public async Task a_write_that_fails_after_its_audit_insert_leaves_neither_the_change_nor_the_audit_row()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        // A deferred check that fails at commit, once the update and its audit row have both been written.
        await using (var trigger = app.Database.CreateCommand("""
            CREATE FUNCTION public.fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.action = 'case.updated' THEN RAISE EXCEPTION 'failing the commit after the audit insert'; END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON adoption.audit_log
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.fail_at_commit();
            """))
        {
            await trigger.ExecuteNonQueryAsync(Ct);
        }

        var before = await app.SnapshotAsync();

        using var response = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Robin"}""", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM adoption.audit_log WHERE action = 'case.updated'"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM adoption.cases WHERE child_name = 'Robin'"));
    }
}
