using Npgsql;

namespace Ccd.Runtime.Publishing;

/// <summary>How far publishing is behind: for the <c>status</c> command and the lag gauges.</summary>
internal sealed class OutboxStatus(NpgsqlDataSource dataSource, TimeProvider time)
{
    // Reaches only unsent rows through the partial indexes; the table's published history is not scanned.
    private const string StatusSql = """
        SELECT count(*), min(time_stamp)
        FROM ccd.message_queue_candidates
        WHERE published IS NULL
        """;

    public async Task<OutboxSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StatusSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var unsent = reader.GetInt64(0);
        if (reader.IsDBNull(1))
        {
            return new OutboxSnapshot(unsent, null);
        }

        var oldest = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
        var age = time.GetUtcNow().UtcDateTime - oldest;
        return new OutboxSnapshot(unsent, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }
}

/// <summary>The number of unsent outbox rows and the age of the oldest one (null when none is unsent).</summary>
internal sealed record OutboxSnapshot(long UnsentCount, TimeSpan? OldestUnsentAge);
