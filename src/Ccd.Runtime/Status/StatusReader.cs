using Ccd.Runtime.Database;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Status;

/// <summary>Reads the figures of <c>status</c> in one repeatable-read transaction, so they agree with each other.</summary>
internal sealed class StatusReader(NpgsqlDataSource dataSource, TimeProvider time)
{
    // The latest applied file per module is the schema version: file names are ordered by their number.
    private const string SchemaSql = "SELECT module, max(name) FROM ccd.schema_migrations GROUP BY module ORDER BY module";

    // Removed (soft-deleted) cases are no longer served, so they are not counted as cases of their type.
    private const string CasesSql = """
        SELECT case_type_id, count(*) FROM ccd.case_data WHERE removed_at IS NULL GROUP BY case_type_id ORDER BY case_type_id
        """;

    // Re-index work is queued in the future behind live work: it is not "old" until its time comes.
    // The outbox's unsent count and oldest time_stamp come from one pass over its unsent rows (the partial index of
    // unsent rows): a min(time_stamp) on its own is planned as a walk of the time_stamp index from its oldest entry,
    // which passes every published row kept for the retention period before it meets an unsent one.
    private const string QueuesSql = """
        SELECT
            (SELECT count(*) FROM ccd.es_queue),
            (SELECT min(enqueued_at) FILTER (WHERE enqueued_at <= @now) FROM ccd.es_queue),
            (SELECT count(*) FROM ccd.es_dead_letter_queue),
            outbox.unsent,
            outbox.oldest,
            (SELECT count(*) FROM ccd.message_queue_candidates WHERE parked_at IS NOT NULL AND published IS NULL),
            (SELECT count(*) FROM ccd.jobs WHERE status = 'queued'),
            (SELECT count(*) FROM ccd.jobs WHERE status = 'running'),
            (SELECT count(*) FROM ccd.jobs WHERE status = 'failed')
        FROM (SELECT count(*) AS unsent, min(time_stamp) AS oldest
              FROM ccd.message_queue_candidates WHERE published IS NULL) AS outbox
        """;

    private const string ImportsSql = """
        SELECT case_type_id, phase, high_water_mark, cases_copied, events_copied, started_at, updated_at, completed_at
        FROM ccd.data_migration_progress ORDER BY case_type_id
        """;

    public async Task<StatusReport> ReadAsync(CancellationToken cancellationToken)
    {
        var now = DatabaseClock.Now(time);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

        var schema = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(SchemaSql, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                schema[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var cases = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(CasesSql, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                cases[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        QueueFigures searchQueue, outbox;
        JobFigures jobs;
        long deadLetters, outboxParked;
        await using (var command = new NpgsqlCommand(QueuesSql, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            searchQueue = new QueueFigures(reader.GetInt64(0), AgeSeconds(reader, 1, now));
            deadLetters = reader.GetInt64(2);
            outbox = new QueueFigures(reader.GetInt64(3), AgeSeconds(reader, 4, now));
            outboxParked = reader.GetInt64(5);
            jobs = new JobFigures(reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8));
        }

        var imports = new List<ImportFigures>();
        await using (var command = new NpgsqlCommand(ImportsSql, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                imports.Add(new ImportFigures(
                    reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                    reader.GetDateTime(5), reader.GetDateTime(6), reader.IsDBNull(7) ? null : reader.GetDateTime(7)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new StatusReport(schema, cases, searchQueue, deadLetters, outbox, jobs, imports) { OutboxParked = outboxParked };
    }

    private static long? AgeSeconds(NpgsqlDataReader reader, int ordinal, DateTime now)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var age = now - reader.GetDateTime(ordinal);
        return age < TimeSpan.Zero ? 0 : (long)age.TotalSeconds;
    }
}
