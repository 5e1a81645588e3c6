using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Import;

/// <summary>One case type's row of <c>ccd.data_migration_progress</c>.</summary>
internal sealed record ImportProgress(string CaseTypeId, string Phase, long HighWaterMark, long CaseCursor, long CasesCopied, long EventsCopied)
{
    public const string Preload = "preload";
    public const string Preloaded = "preloaded";
    public const string Cutover = "cutover";
    public const string Complete = "complete";

    private const string ReadSql = """
        SELECT case_type_id, phase, high_water_mark, case_cursor, cases_copied, events_copied
        FROM ccd.data_migration_progress WHERE case_type_id = @case_type FOR UPDATE
        """;

    // The mark is taken once, when the preload starts: every CCD event above it is the cutover's work.
    private const string StartSql = """
        INSERT INTO ccd.data_migration_progress (case_type_id, phase, high_water_mark, options, started_at, updated_at)
        VALUES (@case_type, 'preload', @mark, @options, @now, @now)
        ON CONFLICT (case_type_id) DO NOTHING
        """;

    private const string AdvanceSql = """
        UPDATE ccd.data_migration_progress
        SET phase = @phase, high_water_mark = @mark, case_cursor = @cursor,
            cases_copied = (SELECT count(*) FROM ccd.import_cases i WHERE i.case_type_id = @case_type), events_copied = events_copied + @events, updated_at = @now,
            completed_at = CASE WHEN @phase = 'complete' THEN @now END
        WHERE case_type_id = @case_type
        """;

    public static async Task<ImportProgress?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string caseType, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ImportProgress(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5))
            : null;
    }

    public static async Task StartAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string caseType, long mark, string options, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(StartSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("options", NpgsqlDbType.Jsonb) { TypedValue = options });
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
        command.Parameters.Add(new NpgsqlParameter<long>("mark", NpgsqlDbType.Bigint) { TypedValue = mark });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves the row on inside the batch's transaction, so the copy and its progress commit together; the case count is the cases import holds.</summary>
    public static async Task AdvanceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ImportProgress next, long eventsAdded, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(AdvanceSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = next.CaseTypeId });
        command.Parameters.Add(new NpgsqlParameter<string>("phase", NpgsqlDbType.Varchar) { TypedValue = next.Phase });
        command.Parameters.Add(new NpgsqlParameter<long>("mark", NpgsqlDbType.Bigint) { TypedValue = next.HighWaterMark });
        command.Parameters.Add(new NpgsqlParameter<long>("cursor", NpgsqlDbType.Bigint) { TypedValue = next.CaseCursor });
        command.Parameters.Add(new NpgsqlParameter<long>("events", NpgsqlDbType.Bigint) { TypedValue = eventsAdded });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
