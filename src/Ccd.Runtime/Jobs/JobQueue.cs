using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Jobs;

/// <summary>
/// Writes post-submission work into <c>ccd.jobs</c>. The write takes the event's open transaction so the job commits
/// or rolls back with the event: a rolled-back event leaves no job, a committed one always has its job.
/// </summary>
internal static class JobQueue
{
    // The idempotency key is the event's key plus the job's name: a replayed submit re-runs nothing, but even if a
    // caller enqueued again with the same key the conflict makes it a no-op rather than a second job.
    // The NOTIFY is transactional: PostgreSQL delivers it only when the event commits (and drops it on rollback),
    // so workers on every replica wake for exactly the jobs they can see. One row when inserted, none on conflict.
    private const string InsertSql = $"""
        WITH inserted AS (
            INSERT INTO ccd.jobs (kind, payload, idempotency_key, case_reference, status, attempts, next_attempt_at, created_at, updated_at)
            VALUES (@kind, @payload, @idempotency_key, @case_reference, 'queued', 0, @now, @now, @now)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id
        )
        SELECT inserted.id, pg_notify('{NotifyChannel}', '') FROM inserted
        """;

    /// <summary>The channel a committed job is announced on.</summary>
    public const string NotifyChannel = "ccd_jobs";

    /// <summary>Enqueues one job due at <paramref name="now"/>; returns false (and adds nothing) when a job with the key already exists.</summary>
    public static async Task<bool> EnqueueAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string kind,
        JsonNode payload,
        string idempotencyKey,
        long? caseReference,
        DateTime now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);

        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, payload.ToJsonString());
        command.Parameters.AddWithValue("idempotency_key", idempotencyKey);
        command.Parameters.AddWithValue("case_reference", NpgsqlDbType.Bigint, (object?)caseReference ?? DBNull.Value);
        command.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, DateTime.SpecifyKind(now, DateTimeKind.Unspecified));
        var id = await command.ExecuteScalarAsync(cancellationToken);
        return id is long;
    }
}
