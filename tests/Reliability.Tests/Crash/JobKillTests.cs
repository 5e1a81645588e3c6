using Ccd.Testing;
using Npgsql;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.Crash;

/// <summary>
/// The attempt limit against real process deaths: the real service binary claims a job, its real handler
/// (Adoption's hearing notification) blocks mid-attempt on a table lock the test holds, and the process is
/// SIGKILLed (whole tree), as many times as the limit allows. Each next process runs with its clock past the
/// previous lease (Debian's faketime; the lease is computed from the application's clock, passed to SQL as a
/// parameter), so no test waits for real time. The process after the last attempt fails the job without running
/// it, with the last error, and <c>jobs list --failed</c> shows it.
/// </summary>
public sealed class JobKillTests(PostgresServer postgres)
{
    private const int MaxAttempts = 3;
    // Far longer than a loaded machine takes to start the service, so no attempt is given up at its lease before the kill.
    private const int LeaseSeconds = 300;
    private const string Kind = "adoption.notify-hearing-listed";
    private static readonly TimeSpan PastLease = TimeSpan.FromSeconds(LeaseSeconds + 10);
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(120);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_job_whose_worker_process_is_killed_mid_attempt_every_time_is_failed_after_exactly_the_configured_attempts()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(database);
        var environment = ServiceBinary.Environment(database, new Dictionary<string, string?>
        {
            ["Ccd__Jobs__MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ccd__Jobs__LeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ccd__Jobs__PollSeconds"] = "1",
            // The handler's statement waits on the test's lock until the kill, not for the default 5 s command timeout.
            ["Ccd__Database__CommandTimeoutSeconds"] = "600",
        });
        long? job = null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // The handler reads adoption.case_assignments first; while the test holds this lock it waits there, mid-attempt.
            // The first process creates the schema, and the job comes after the lock; a successor claims the job as soon
            // as it runs, so the lock is taken before it starts.
            var first = job is null ? await ServiceBinary.StartAsync(environment, ServiceProcess.FreePort()) : null;
            await using var blocker = await dataSource.OpenConnectionAsync(Token);
            await using var transaction = await blocker.BeginTransactionAsync(Token);
            await ExecuteAsync(blocker, transaction, "LOCK TABLE adoption.case_assignments IN ACCESS EXCLUSIVE MODE");
            await using var service = first ?? await ServiceBinary.StartAsync(environment, ServiceProcess.FreePort(), PastLease * (attempt - 1));
            job ??= await EnqueueAsync(dataSource);

            await WaitUntilAsync(async () => await ScalarAsync(dataSource, WaitingOnTheLockSql) == 1, $"attempt {attempt}'s handler waits on the lock", service);
            Assert.True(await JobAsync(dataSource, job.Value) == ("running", attempt), $"{await JobAsync(dataSource, job.Value)} {await LastErrorAsync(dataSource, job.Value)}\n{service.Output}");
            service.Kill();

            // The killed process's session would wait until the lock is released; end it, as its lost socket would.
            await ScalarAsync(dataSource, $"SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE NOT granted AND relation = 'adoption.case_assignments'::regclass");
            await transaction.RollbackAsync(Token);
            Assert.Equal(("running", attempt), await JobAsync(dataSource, job.Value));
        }

        // The next process, past the last lease, does not run it again: it fails it with the last error.
        await using (var successor = await ServiceBinary.StartAsync(environment, ServiceProcess.FreePort(), PastLease * MaxAttempts))
        {
            await WaitUntilAsync(async () => (await JobAsync(dataSource, job!.Value)).Status == "failed", "the job is failed", successor);
        }

        Assert.Equal(("failed", MaxAttempts), await JobAsync(dataSource, job!.Value));
        await using (var error = dataSource.CreateCommand("SELECT last_error FROM ccd.jobs WHERE id = @id"))
        {
            error.Parameters.AddWithValue("id", job.Value);
            Assert.Equal($"Attempt {MaxAttempts} did not finish within its lease (its worker crashed, was killed or hung).", (string?)await error.ExecuteScalarAsync(Token));
        }

        Assert.Equal(0, await ScalarAsync(dataSource, "SELECT count(*) FROM adoption.notifications"));
        await using var list = ServiceProcess.Start(ServiceBinary.Dll, environment, ["jobs", "list", "--failed"]);
        Assert.True(await list.WaitForExitAsync(Ceiling), list.Output);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains($"{job}\t{Kind}\tfailed\t{MaxAttempts}\t", list.StandardOutput, StringComparison.Ordinal);
    }

    private const string WaitingOnTheLockSql = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'adoption.case_assignments'::regclass";

    private static async Task<long> EnqueueAsync(NpgsqlDataSource dataSource)
    {
        // As the runtime's enqueue writes it (JobQueue), with its NOTIFY: a hearing-listed notification for some case.
        await using var command = dataSource.CreateCommand("""
            WITH inserted AS (
                INSERT INTO ccd.jobs (kind, payload, idempotency_key, case_reference, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES (@kind, jsonb_build_object('caseId', gen_random_uuid()::text), 'kill-test:1', NULL, 'queued', 0,
                        now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
                RETURNING id
            )
            SELECT inserted.id FROM inserted, pg_notify('ccd_jobs', '')
            """);
        command.Parameters.AddWithValue("kind", Kind);
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }

    private static async Task<(string Status, int Attempts)> JobAsync(NpgsqlDataSource dataSource, long id)
    {
        await using var command = dataSource.CreateCommand("SELECT status, attempts FROM ccd.jobs WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(Token);
        Assert.True(await reader.ReadAsync(Token));
        return (reader.GetString(0), reader.GetInt32(1));
    }

    private static async Task<string?> LastErrorAsync(NpgsqlDataSource dataSource, long id)
    {
        await using var command = dataSource.CreateCommand("SELECT last_error FROM ccd.jobs WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(Token) as string;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(Token);
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, ServiceProcess service)
    {
        var deadline = DateTime.UtcNow + Ceiling;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not reached within the ceiling: {what}.\n{service.Output}");
            await Task.Delay(100, Token);
        }
    }
}
