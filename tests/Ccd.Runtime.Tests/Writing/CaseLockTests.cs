using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Runtime.Testing;
using Ccd.Testing;
using Npgsql;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

/// <summary>
/// The case lock across replicas (ccd.lock_case, migration 0091): a writer that waited for the lock reads the case
/// and its idempotency key as the holder committed them, not as they were when its statement started.
/// </summary>
public sealed class CaseLockTests(PostgresServer postgres)
{
    private const string Waiting = """
        SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """;

    [Fact]
    public async Task a_submit_that_waited_for_the_lock_sees_the_version_another_replica_committed_and_is_a_409()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "a" }));

        Task<CcdAnswer> submit;
        await using (var other = await HoldLockAsync(service.DataSource, reference))
        {
            // Another replica's event, committed while the submit waits for the lock.
            await using (var command = new NpgsqlCommand(
                "UPDATE ccd.case_data SET version = 2, revision = 2, data = '{\"note\": \"other\"}' WHERE reference = @r", other.Connection, other.Transaction))
            {
                command.Parameters.AddWithValue("r", reference);
                await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            submit = ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "b" }, version: 1));
            await WaitUntilWaitingAsync(service);
            await other.Transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        var reply = await submit;

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal(2, reply.Json["currentVersion"]!.GetValue<int>());
        Assert.Equal("other", (await ccd.ReadAsync(reference))!["case_details"]!["case_data"]!["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_repeat_that_waited_for_the_lock_while_its_first_attempt_committed_answers_the_first_response()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "a" }));
        var key = Guid.NewGuid();
        var firstAnswer = Encoding.UTF8.GetBytes("{\"first\":true}");

        Task<CcdAnswer> repeat;
        await using (var other = await HoldLockAsync(service.DataSource, reference))
        {
            // The first attempt commits on another replica while the repeat waits: its event under the key, and the
            // version it moved. Reading the case after the lock but the key from before it would answer a 409.
            await using (var command = new NpgsqlCommand(FirstAttemptSql, other.Connection, other.Transaction))
            {
                command.Parameters.AddWithValue("r", reference);
                command.Parameters.AddWithValue("k", key);
                command.Parameters.AddWithValue("f", Fingerprint(reference, TestService.BlobType, "update"));
                command.Parameters.AddWithValue("b", firstAnswer);
                await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            repeat = ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "b" }, version: 1), key);
            await WaitUntilWaitingAsync(service);
            await other.Transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        var reply = await repeat;

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(firstAnswer, reply.Bytes);
        Assert.Equal(2, await service.CountAsync("SELECT count(*) FROM ccd.case_event WHERE case_reference = @r", reference));
    }

    // The first attempt's writes as another replica commits them (the fields the repeat reads are what count).
    private const string FirstAttemptSql = """
        UPDATE ccd.case_data SET version = 2, revision = 2 WHERE reference = @r;
        INSERT INTO ccd.case_event (case_reference, case_revision, case_version, event_id, event_name, summary, description,
            user_id, user_first_name, user_last_name, created_date, case_type_id, case_type_version, state_id, state_name, data,
            data_classification, security_classification, idempotency_key, request_fingerprint, response_body)
        SELECT case_reference, 2, 2, 'update', event_name, summary, description, user_id, user_first_name, user_last_name,
            created_date, case_type_id, case_type_version, state_id, state_name, data, data_classification, security_classification, @k, @f, @b
        FROM ccd.case_event WHERE case_reference = @r;
        """;

    // As SubmitValidation binds a key: the case, case type and event.
    private static string Fingerprint(long reference, string caseType, string eventId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{reference}\n{caseType}\n{eventId}")));

    private static async Task WaitUntilWaitingAsync(TestService service)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            if (await service.CountAsync(Waiting) > 0)
            {
                return;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("The submit never waited for the case lock.");
    }

    private static async Task<LockHolder> HoldLockAsync(NpgsqlDataSource dataSource, long reference)
    {
        var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@r)", connection, transaction);
        command.Parameters.AddWithValue("r", reference);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return new LockHolder(connection, transaction);
    }

    private sealed class LockHolder(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public NpgsqlConnection Connection { get; } = connection;

        public NpgsqlTransaction Transaction { get; } = transaction;

        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
