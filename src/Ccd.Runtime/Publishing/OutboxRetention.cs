using Ccd.Runtime.Database;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Publishing;

/// <summary>Deletes outbox rows that were published longer ago than the retention period; unsent rows are never touched.</summary>
internal sealed class OutboxRetention(NpgsqlDataSource dataSource, TimeProvider time)
{
    // Deleted in slices so one sweep never holds a long transaction or a huge lock set.
    // `time_stamp < @cutoff` lets message_queue_candidates_time_stamp narrow the scan (a row is written before it
    // is published); `published < @cutoff` is the rule itself; `published IS NOT NULL` keeps unsent rows whatever their age.
    private const string DeleteSliceSql = """
        DELETE FROM ccd.message_queue_candidates
        WHERE id IN (
            SELECT id
            FROM ccd.message_queue_candidates
            WHERE time_stamp < @cutoff
              AND published IS NOT NULL
              AND published < @cutoff
            LIMIT @slice)
        """;

    private const int Slice = 5000;

    /// <summary>Deletes rows published before now minus <paramref name="retention"/>; returns how many.</summary>
    public async Task<long> DeleteExpiredAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        var cutoff = DatabaseClock.Now(time) - retention;
        long total = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(DeleteSliceSql);
            command.Parameters.Add(new NpgsqlParameter<DateTime>("cutoff", NpgsqlDbType.Timestamp) { TypedValue = cutoff });
            command.Parameters.Add(new NpgsqlParameter<int>("slice", Slice));
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
            if (deleted < Slice)
            {
                return total;
            }
        }
    }
}
