using Ccd.Runtime.Database;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>Reads queue depth and the age of the oldest change, for metrics, health and <c>status</c>.</summary>
internal static class QueueStatistics
{
    // Re-index work sits in the future (behind live work), so it is not "old" until its time comes.
    private const string Sql = """
        SELECT count(*), min(enqueued_at) FILTER (WHERE enqueued_at <= @now) FROM ccd.es_queue
        """;

    public static async Task<QueueSample> ReadAsync(NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = DatabaseClock.Now(time);
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var depth = reader.GetInt64(0);
        var oldest = reader.IsDBNull(1) ? (DateTime?)null : reader.GetDateTime(1);
        return new QueueSample(depth, oldest is { } at && at < now ? now - at : TimeSpan.Zero);
    }
}
