using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Jobs;

/// <summary>A job claimed by one worker under <see cref="LockToken"/>.</summary>
internal sealed record ClaimedJob(long Id, string Kind, JsonNode Payload, string IdempotencyKey, long? CaseReference, int Attempt, Guid LockToken);

/// <summary>One row of <c>jobs list</c>.</summary>
internal sealed record JobRow(long Id, string Kind, string Status, int Attempts, DateTime NextAttemptAt, long? CaseReference, string? LastError, DateTime UpdatedAt);

/// <summary>Counts behind the job metrics.</summary>
internal sealed record JobStats(long Queued, long Running, long Failed, TimeSpan OldestDueAge);

/// <summary>The statements of the job worker and the <c>jobs</c> commands, on <c>ccd.jobs</c>. Every time is a parameter.</summary>
internal sealed class JobStore(NpgsqlDataSource dataSource)
{
    // Due = queued and its time has come, or running under a lease that ran out (its worker crashed, was killed or
    // hung). `next_attempt_at <= @now` holds for both (a running job was due when claimed), so the partial index
    // jobs_due serves the scan. SKIP LOCKED lets concurrent workers take disjoint batches. The attempt is counted
    // at claim, and a due job that has used all its attempts is never claimed again: ExhaustSql fails it first.
    private const string ClaimSql = """
        WITH due AS (
            SELECT id FROM ccd.jobs
            WHERE next_attempt_at <= @now
              AND (status = 'queued' OR (status = 'running' AND locked_until <= @now))
              AND attempts < @max_attempts
            ORDER BY next_attempt_at, id
            LIMIT @batch
            FOR UPDATE SKIP LOCKED
        )
        UPDATE ccd.jobs AS j
        SET status = 'running', attempts = j.attempts + 1, locked_until = @locked_until, lock_token = @token, updated_at = @now
        FROM due
        WHERE j.id = due.id
        RETURNING j.id, j.kind, j.payload::text, j.idempotency_key, j.case_reference, j.attempts
        """;

    // A due job with no attempts left: its last attempt's worker died or hung past the lease (running), or the
    // limit was lowered below what it already used (queued). Either way it is failed, with the reason.
    private const string ExhaustSql = """
        WITH exhausted AS (
            SELECT id FROM ccd.jobs
            WHERE next_attempt_at <= @now
              AND (status = 'queued' OR (status = 'running' AND locked_until <= @now))
              AND attempts >= @max_attempts
            FOR UPDATE SKIP LOCKED
        )
        UPDATE ccd.jobs AS j
        SET status = 'failed', locked_until = NULL, lock_token = NULL, updated_at = @now,
            last_error = CASE WHEN j.status = 'running'
                THEN 'Attempt ' || j.attempts || ' did not finish within its lease (its worker crashed, was killed or hung).'
                     || coalesce(' The attempt before: ' || j.last_error, '')
                ELSE coalesce(j.last_error, 'No attempts left.') END
        FROM exhausted
        WHERE j.id = exhausted.id
        RETURNING j.id, j.kind, j.attempts, j.case_reference, j.last_error
        """;

    // Every finishing statement checks the lock token: a worker whose lease ran out and whose job was re-claimed
    // must not overwrite the new owner's outcome.
    private const string CompleteSql = """
        UPDATE ccd.jobs
        SET status = 'done', locked_until = NULL, lock_token = NULL, last_error = NULL, updated_at = @now
        WHERE id = @id AND lock_token = @token
        """;

    private const string FailSql = """
        UPDATE ccd.jobs
        SET status = @status, next_attempt_at = @next_attempt_at, locked_until = NULL, lock_token = NULL,
            last_error = @error, updated_at = @now
        WHERE id = @id AND lock_token = @token
        """;

    // A job interrupted by a graceful stop did not really attempt anything: give the attempt back and make it due
    // at once, so another worker need not wait for the lease.
    private const string ReleaseSql = """
        UPDATE ccd.jobs
        SET status = 'queued', attempts = greatest(attempts - 1, 0), next_attempt_at = @now,
            locked_until = NULL, lock_token = NULL, updated_at = @now
        WHERE id = @id AND lock_token = @token
        """;

    private const string ListSql = """
        SELECT id, kind, status, attempts, next_attempt_at, case_reference, last_error, updated_at
        FROM ccd.jobs
        WHERE (@failed_only = false AND status <> 'done') OR status = 'failed'
        ORDER BY id
        LIMIT @limit
        """;

    // Only a failed job, or a queued one waiting for its back-off, can be retried: a running job has an owner and
    // a done job's work has happened. The NOTIFY wakes a running service's worker when this commits.
    private const string RetrySql = $"""
        WITH retried AS (
            UPDATE ccd.jobs
            SET status = 'queued', attempts = 0, next_attempt_at = @now, updated_at = @now
            WHERE id = @id AND status IN ('failed', 'queued')
            RETURNING id
        )
        SELECT retried.id, pg_notify('{JobQueue.NotifyChannel}', '') FROM retried
        """;

    private const string StatusSql = "SELECT status FROM ccd.jobs WHERE id = @id";

    private const string StatsSql = """
        SELECT
            count(*) FILTER (WHERE status = 'queued'),
            count(*) FILTER (WHERE status = 'running'),
            (SELECT count(*) FROM ccd.jobs WHERE status = 'failed'),
            min(next_attempt_at) FILTER (WHERE status = 'queued' AND next_attempt_at <= @now)
        FROM ccd.jobs
        WHERE status IN ('queued', 'running')
        """;

    /// <summary>Fails the due jobs that have no attempts left, then claims up to <paramref name="batch"/> others.</summary>
    public async Task<(IReadOnlyList<ClaimedJob> Claimed, IReadOnlyList<(long Id, string Kind, int Attempts, long? CaseReference, string? Error)> Exhausted)> ClaimAsync(
        DateTime now, TimeSpan lease, int batch, int maxAttempts, CancellationToken cancellationToken)
    {
        var exhausted = new List<(long Id, string Kind, int Attempts, long? CaseReference, string? Error)>();
        await using (var command = dataSource.CreateCommand(ExhaustSql))
        {
            AddTime(command, "now", now);
            command.Parameters.AddWithValue("max_attempts", maxAttempts);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                exhausted.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }

        var token = Guid.NewGuid();
        var jobs = new List<ClaimedJob>();
        await using (var command = dataSource.CreateCommand(ClaimSql))
        {
            AddTime(command, "now", now);
            AddTime(command, "locked_until", now + lease);
            command.Parameters.AddWithValue("batch", batch);
            command.Parameters.AddWithValue("token", token);
            command.Parameters.AddWithValue("max_attempts", maxAttempts);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                jobs.Add(new ClaimedJob(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    ParsePayload(reader.GetString(2)),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetInt64(4),
                    reader.GetInt32(5),
                    token));
            }
        }

        return (jobs, exhausted);
    }

    // jsonb always parses; the fallback only keeps a worker going should it not.
    private static JsonNode ParsePayload(string text) => JsonNode.Parse(text) ?? new JsonObject();

    public Task<bool> CompleteAsync(ClaimedJob job, DateTime now, CancellationToken cancellationToken) =>
        FinishAsync(CompleteSql, job, now, cancellationToken);

    public Task<bool> ReleaseAsync(ClaimedJob job, DateTime now, CancellationToken cancellationToken) =>
        FinishAsync(ReleaseSql, job, now, cancellationToken);

    /// <summary>Records a failed attempt: queued again at <paramref name="nextAttemptAt"/>, or failed for good when <paramref name="final"/>.</summary>
    public Task<bool> FailAsync(ClaimedJob job, DateTime now, DateTime nextAttemptAt, bool final, string error, CancellationToken cancellationToken) =>
        FinishAsync(FailSql, job, now, cancellationToken, command =>
        {
            command.Parameters.AddWithValue("status", final ? "failed" : "queued");
            AddTime(command, "next_attempt_at", nextAttemptAt);
            command.Parameters.AddWithValue("error", error);
        });

    public async Task<IReadOnlyList<JobRow>> ListAsync(bool failedOnly, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.AddWithValue("failed_only", failedOnly);
        command.Parameters.AddWithValue("limit", limit);
        var rows = new List<JobRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new JobRow(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetDateTime(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetDateTime(7)));
        }

        return rows;
    }

    /// <summary>Makes a failed (or back-off waiting) job due now with a fresh count of attempts; returns its status when it could not.</summary>
    public async Task<(bool Retried, string? Status)> RetryAsync(long id, DateTime now, CancellationToken cancellationToken)
    {
        await using (var retry = dataSource.CreateCommand(RetrySql))
        {
            retry.Parameters.AddWithValue("id", id);
            AddTime(retry, "now", now);
            if (await retry.ExecuteScalarAsync(cancellationToken) is long)
            {
                return (true, "queued");
            }
        }

        await using var status = dataSource.CreateCommand(StatusSql);
        status.Parameters.AddWithValue("id", id);
        return (false, await status.ExecuteScalarAsync(cancellationToken) as string);
    }

    public async Task<JobStats> StatsAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StatsSql);
        AddTime(command, "now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var oldestDue = reader.IsDBNull(3) ? (DateTime?)null : reader.GetDateTime(3);
        return new JobStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), oldestDue is { } due ? now - due : TimeSpan.Zero);
    }

    private async Task<bool> FinishAsync(string sql, ClaimedJob job, DateTime now, CancellationToken cancellationToken, Action<NpgsqlCommand>? parameters = null)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", job.Id);
        command.Parameters.AddWithValue("token", job.LockToken);
        AddTime(command, "now", now);
        parameters?.Invoke(command);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static void AddTime(NpgsqlCommand command, string name, DateTime value) =>
        command.Parameters.AddWithValue(name, NpgsqlDbType.Timestamp, DateTime.SpecifyKind(value, DateTimeKind.Unspecified));
}
