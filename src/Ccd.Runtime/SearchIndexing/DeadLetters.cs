using System.Globalization;
using Ccd.Runtime.Database;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>Lists and retries <c>ccd.es_dead_letter_queue</c>: documents Elasticsearch refused for good (400/404).</summary>
internal static class DeadLetters
{
    private const string ListSql = """
        SELECT reference, index_name, case_revision, created_at, reason FROM ccd.es_dead_letter_queue
        ORDER BY created_at, id
        LIMIT @limit
        """;

    // Re-queues each dead-lettered case at its current revision (or its removal revision when it is gone),
    // due at once. The dead letters stay until a later success clears them, so a document that fails again
    // is simply dead-lettered again.
    private const string RetrySql = """
        INSERT INTO ccd.es_queue AS q (reference, case_revision, enqueued_at)
        SELECT l.reference, coalesce(d.revision, r.case_revision), @now
        FROM (SELECT DISTINCT reference FROM ccd.es_dead_letter_queue WHERE @reference::bigint IS NULL OR reference = @reference) l
        LEFT JOIN ccd.case_data d ON d.reference = l.reference
        LEFT JOIN ccd.es_removed_cases r ON r.reference = l.reference
        WHERE coalesce(d.revision, r.case_revision) IS NOT NULL
        ON CONFLICT (reference) DO UPDATE
            SET case_revision = greatest(q.case_revision, EXCLUDED.case_revision),
                enqueued_at = least(q.enqueued_at, EXCLUDED.enqueued_at),
                next_attempt_at = NULL
        RETURNING reference
        """;

    public static async Task<int> ListAsync(NpgsqlDataSource dataSource, int limit, TextWriter output, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (rows++ == 0)
            {
                await output.WriteLineAsync("reference\tindex\trevision\tcreated_at\treason");
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{reader.GetInt64(0)}\t{reader.GetString(1)}\t{reader.GetInt32(2)}\t{reader.GetDateTime(3):yyyy-MM-dd'T'HH:mm:ss}\t{reader.GetString(4)}"));
        }

        await output.WriteLineAsync(rows == 0 ? "no dead letters" : string.Create(CultureInfo.InvariantCulture, $"{rows} dead letter(s)"));
        return rows;
    }

    public static async Task<int> RetryAsync(NpgsqlDataSource dataSource, long? reference, TimeProvider time, TextWriter output, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RetrySql);
        command.Parameters.Add(new NpgsqlParameter("reference", NpgsqlDbType.Bigint) { Value = (object?)reference ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp)
        {
            TypedValue = DatabaseClock.Now(time),
        });
        var queued = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            queued++;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"re-queued {queued} case(s) for indexing"));
        return queued;
    }
}
