using Ccd.Runtime.Database;
using Npgsql;

namespace Ccd.Runtime.Publishing;

/// <summary>How far publishing is behind: for the <c>status</c> command and the lag gauges.</summary>
internal sealed class OutboxStatus(NpgsqlDataSource dataSource, TimeProvider time)
{
    // Reaches only unsent rows through the partial indexes; the table's published history is not scanned.
    // Parked rows, and the rows of their cases waiting behind them, are counted apart: they wait for an operator,
    // not for the publisher, so they are left out of the unsent count and the lag.
    private const string StatusSql = """
        WITH parked AS (
            SELECT reference, count(*) AS rows
            FROM ccd.message_queue_candidates
            WHERE parked_at IS NOT NULL AND published IS NULL
            GROUP BY reference
        )
        SELECT
            count(*) FILTER (WHERE parked.reference IS NULL),
            min(m.time_stamp) FILTER (WHERE parked.reference IS NULL),
            (SELECT coalesce(sum(rows), 0) FROM parked)::bigint,
            count(*) FILTER (WHERE parked.reference IS NOT NULL AND m.parked_at IS NULL)
        FROM ccd.message_queue_candidates m
        LEFT JOIN parked ON parked.reference = m.reference
        WHERE m.published IS NULL
        """;

    public async Task<OutboxSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StatusSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var unsent = reader.GetInt64(0);
        var parked = reader.GetInt64(2);
        var held = reader.GetInt64(3);
        if (reader.IsDBNull(1))
        {
            return new OutboxSnapshot(unsent, null, parked, held);
        }

        var age = DatabaseClock.Now(time) - reader.GetDateTime(1);
        return new OutboxSnapshot(unsent, age < TimeSpan.Zero ? TimeSpan.Zero : age, parked, held);
    }
}

/// <summary>
/// Unsent outbox rows the publisher can send and the age of the oldest (null when none); rows parked; rows held
/// behind a parked row of their case.
/// </summary>
internal sealed record OutboxSnapshot(long UnsentCount, TimeSpan? OldestUnsentAge, long ParkedCount = 0, long HeldCount = 0);
