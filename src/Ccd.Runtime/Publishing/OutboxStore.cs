using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Publishing;

/// <summary>The publisher's statements on <c>ccd.message_queue_candidates</c>; each runs in the caller's transaction.</summary>
internal static class OutboxStore
{
    // The oldest unsent rows that are the oldest unsent row of their case, locked for this publisher.
    // - NOT EXISTS keeps a later event of a case out of the batch while an earlier one is unsent, so a batch
    //   holds at most one row per case and per-case order is the order of ids (ids are drawn after the case
    //   lock, so per case they follow commit order).
    // - SKIP LOCKED lets a second publisher take other cases instead of waiting. The head row another
    //   publisher holds stays "unsent" in this snapshot, so that case's later rows are not heads here either:
    //   two publishers never split one case.
    // - A parked row is never a head, but it is still unsent, so it keeps its case's later rows out: that case
    //   waits behind it while every other case goes on.
    // - `m.published IS NULL` is on the locked table itself, so when the row was published by another
    //   publisher after this statement's snapshot, PostgreSQL re-checks it on the new version and skips it.
    // - @held are rows the caller's own other transactions hold (a pipelined loop's batches in flight): left out
    //   before the per-case probe and the lock attempt, which would skip them anyway.
    // - message_information comes as jsonb's UTF-8 text, the message body as is; the values copied into the
    //   message's properties are read from it in the process (OutboxMessageReader), not extracted here row by row.
    // Served by message_queue_candidates_unsent_id (the scan by id) and message_queue_candidates_unsent
    // (the per-case probe).
    private const string ClaimSql = """
        SELECT m.id, m.reference, m.message_information
        FROM ccd.message_queue_candidates m
        WHERE m.published IS NULL
          AND m.parked_at IS NULL
          AND m.id <> ALL(@held)
          AND NOT EXISTS (
              SELECT 1
              FROM ccd.message_queue_candidates earlier
              WHERE earlier.reference = m.reference
                AND earlier.published IS NULL
                AND earlier.id < m.id)
        ORDER BY m.id
        LIMIT @batch_size
        FOR UPDATE OF m SKIP LOCKED
        """;

    private const string MarkPublishedSql = """
        UPDATE ccd.message_queue_candidates
        SET published = @published
        WHERE id = ANY(@ids) AND published IS NULL
        """;

    // A refused message counts one failed send; it is parked when the refusal is final (the broker rejected it) or
    // when it has now failed @park_after times. Runs under the claim's row locks.
    private const string RecordRefusalsSql = """
        UPDATE ccd.message_queue_candidates AS m
        SET send_failures = m.send_failures + 1,
            last_error = f.error,
            parked_at = CASE WHEN f.final OR m.send_failures + 1 >= @park_after THEN @now END,
            parked_reason = CASE
                WHEN f.final THEN 'refused by the broker: ' || f.error
                WHEN m.send_failures + 1 >= @park_after THEN 'failed its send ' || (m.send_failures + 1) || ' times; last: ' || f.error
            END
        FROM unnest(@ids, @errors, @finals) AS f(id, error, final)
        WHERE m.id = f.id AND m.published IS NULL
        RETURNING m.id, m.parked_at IS NOT NULL
        """;

    public static async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(
        NpgsqlTransaction transaction, int batchSize, CancellationToken cancellationToken, long[]? held = null)
    {
        await using var command = new NpgsqlCommand(ClaimSql, transaction.Connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int>("batch_size", batchSize));
        command.Parameters.Add(new NpgsqlParameter<long[]>("held", held ?? []));
        var claimed = new List<OutboxMessage>(batchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(OutboxMessageReader.Read(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
        }

        return claimed;
    }

    public static async Task<int> MarkPublishedAsync(
        NpgsqlTransaction transaction, IReadOnlyCollection<long> ids, DateTime published, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand(MarkPublishedSql, transaction.Connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("published", NpgsqlDbType.Timestamp) { TypedValue = published });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Counts a failed send for each refused message and parks those refused for good; returns the ids parked now.</summary>
    public static async Task<IReadOnlyList<long>> RecordRefusalsAsync(
        NpgsqlTransaction transaction, IReadOnlyList<RefusedMessage> refused, int parkAfter, DateTime now, CancellationToken cancellationToken)
    {
        if (refused.Count == 0)
        {
            return [];
        }

        await using var command = new NpgsqlCommand(RecordRefusalsSql, transaction.Connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]>("ids", refused.Select(r => r.Id).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("errors", refused.Select(r => r.Error).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<bool[]>("finals", refused.Select(r => r.Final).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<int>("park_after", parkAfter));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
        var parked = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetBoolean(1))
            {
                parked.Add(reader.GetInt64(0));
            }
        }

        return parked;
    }
}
