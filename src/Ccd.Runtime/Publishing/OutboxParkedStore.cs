using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Publishing;

/// <summary>One parked outbox row, as <c>outbox parked</c> lists it.</summary>
internal sealed record ParkedMessage(long Id, long Reference, string? EventId, DateTime TimeStamp, DateTime ParkedAt, int SendFailures, string? Reason, long HeldBehind);

/// <summary>The statements of the <c>outbox</c> commands on parked rows of <c>ccd.message_queue_candidates</c>.</summary>
internal sealed class OutboxParkedStore(NpgsqlDataSource dataSource)
{
    private const string ListSql = """
        SELECT m.id, m.reference, m.message_information ->> 'EventId', m.time_stamp, m.parked_at, m.send_failures, m.parked_reason,
               (SELECT count(*) FROM ccd.message_queue_candidates later
                WHERE later.reference = m.reference AND later.published IS NULL AND later.id > m.id)
        FROM ccd.message_queue_candidates m
        WHERE m.parked_at IS NOT NULL AND m.published IS NULL
        ORDER BY m.id
        LIMIT @limit
        """;

    // Back to the head of its case with a fresh count of failed sends; the publisher takes it on its next claim.
    private const string RetrySql = """
        UPDATE ccd.message_queue_candidates
        SET parked_at = NULL, parked_reason = NULL, send_failures = 0
        WHERE id = @id AND parked_at IS NOT NULL AND published IS NULL
        """;

    // Given up: never sent, marked published at the skip time (so the case's later rows go on, and retention deletes
    // it with the published rows), with who skipped it and why.
    private const string SkipSql = """
        UPDATE ccd.message_queue_candidates
        SET published = @now, skipped_at = @now, skipped_by = @by, skip_reason = @reason
        WHERE id = @id AND parked_at IS NOT NULL AND published IS NULL
        """;

    private const string StateSql = """
        SELECT CASE WHEN skipped_at IS NOT NULL THEN 'skipped' WHEN published IS NOT NULL THEN 'published' ELSE 'unsent, not parked' END
        FROM ccd.message_queue_candidates WHERE id = @id
        """;

    public async Task<IReadOnlyList<ParkedMessage>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var rows = new List<ParkedMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ParkedMessage(
                reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetDateTime(3),
                reader.GetDateTime(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt64(7)));
        }

        return rows;
    }

    /// <summary>Un-parks row <paramref name="id"/>; when it is not parked, returns what it is instead (null: no such row).</summary>
    public async Task<(bool Done, string? State)> RetryAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RetrySql);
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? (true, "unsent") : (false, await StateAsync(id, cancellationToken));
    }

    /// <summary>Skips parked row <paramref name="id"/>, recording who and why; when it is not parked, returns what it is instead.</summary>
    public async Task<(bool Done, string? State)> SkipAsync(long id, string by, string reason, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SkipSql);
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("by", by));
        command.Parameters.Add(new NpgsqlParameter<string>("reason", reason));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = DateTime.SpecifyKind(now, DateTimeKind.Unspecified) });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? (true, "skipped") : (false, await StateAsync(id, cancellationToken));
    }

    private async Task<string?> StateAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StateSql);
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}
