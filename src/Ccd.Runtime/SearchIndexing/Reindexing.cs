using System.Globalization;
using Ccd.Runtime.Database;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// Re-queues cases modified since a date for indexing, without touching their revisions. The work is queued
/// <see cref="SearchIndexingOptions.ReindexDelaySeconds"/> in the future, so live changes (queued at "now")
/// are claimed first; a case already queued keeps its greater revision and its earlier place.
/// </summary>
internal static class Reindexing
{
    private const string CountSql = """
        SELECT count(*) FROM ccd.case_data
        WHERE last_modified >= @since AND (@case_type::text IS NULL OR case_type_id = @case_type)
        """;

    // Keyset chunks by reference: each chunk is its own short transaction, so a large re-index never holds
    // locks for long and progress can be printed as it goes.
    private const string ChunkSql = """
        WITH chunk AS (
            SELECT reference, revision FROM ccd.case_data
            WHERE reference > @after AND last_modified >= @since AND (@case_type::text IS NULL OR case_type_id = @case_type)
            ORDER BY reference
            LIMIT @limit
        ), queued AS (
            INSERT INTO ccd.es_queue AS q (reference, case_revision, enqueued_at)
            SELECT reference, revision, @enqueued_at FROM chunk
            ON CONFLICT (reference) DO UPDATE
                SET case_revision = greatest(q.case_revision, EXCLUDED.case_revision),
                    enqueued_at = least(q.enqueued_at, EXCLUDED.enqueued_at)
        )
        SELECT count(*), max(reference) FROM chunk
        """;

    public static async Task<long> RunAsync(
        NpgsqlDataSource dataSource,
        DateTime since,
        string? caseType,
        TimeSpan delay,
        TimeProvider time,
        TextWriter output,
        int chunkSize = 5000,
        CancellationToken cancellationToken = default)
    {
        var sinceValue = DateTime.SpecifyKind(since, DateTimeKind.Unspecified);
        var enqueuedAt = DatabaseClock.Now(time) + delay;
        long total;
        await using (var count = dataSource.CreateCommand(CountSql))
        {
            AddFilter(count, sinceValue, caseType);
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"re-queueing {total} case(s) modified since {sinceValue:yyyy-MM-dd'T'HH:mm:ss}{(caseType is null ? "" : $" of case type {caseType}")}, behind live work"));
        long done = 0;
        long after = 0;
        while (true)
        {
            await using var chunk = dataSource.CreateCommand(ChunkSql);
            AddFilter(chunk, sinceValue, caseType);
            chunk.Parameters.Add(new NpgsqlParameter<long>("after", NpgsqlDbType.Bigint) { TypedValue = after });
            chunk.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = chunkSize });
            chunk.Parameters.Add(new NpgsqlParameter<DateTime>("enqueued_at", NpgsqlDbType.Timestamp) { TypedValue = enqueuedAt });
            await using var reader = await chunk.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var queued = reader.GetInt64(0);
            if (queued == 0)
            {
                break;
            }

            after = reader.GetInt64(1);
            done += queued;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"queued {done}/{Math.Max(total, done)}"));
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"re-queued {done} case(s)"));
        return done;
    }

    private static void AddFilter(NpgsqlCommand command, DateTime since, string? caseType)
    {
        command.Parameters.Add(new NpgsqlParameter<DateTime>("since", NpgsqlDbType.Timestamp) { TypedValue = since });
        command.Parameters.Add(new NpgsqlParameter("case_type", NpgsqlDbType.Text) { Value = (object?)caseType ?? DBNull.Value });
    }
}
