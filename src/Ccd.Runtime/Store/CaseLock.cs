using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Store;

/// <summary>
/// The case lock: a transaction-scoped advisory lock keyed by the case reference. A row lock would not do, because
/// two concurrent creates of one reference have no row to lock yet. Every writer of a case takes it first, through
/// <c>CaseWritePipeline</c>, so all work on one case is serialised, across every replica.
/// References are 16-digit numbers, so the key never meets the migration runner's small constant key.
/// </summary>
internal static class CaseLock
{
    // Bound by position ($1), so Npgsql sends each text as it is instead of parsing it for named parameters.
    private const string LockSql = "SELECT pg_advisory_xact_lock($1)";

    private const string LoadSql = $"SELECT {StoredCase.Columns} FROM ccd.case_data WHERE reference = $1";

    // Idempotency keys are unique across the store, so the lookup is by key alone; the caller compares the case.
    private const string KeySql = """
        SELECT case_reference, request_fingerprint, response_body FROM ccd.case_event WHERE idempotency_key = $1
        """;

    // The case and the key's event in one statement (one row always, each side null when absent): a statement less
    // for PostgreSQL to bind, run and answer on every submit. The key's columns follow the case's.
    private const string LoadWithKeySql = $"""
        SELECT c.*, k.* FROM (SELECT) AS one
        LEFT JOIN ({LoadSql}) AS c ON true
        LEFT JOIN (SELECT case_reference, request_fingerprint, response_body FROM ccd.case_event WHERE idempotency_key = $2) AS k ON true
        """;

    /// <summary>A committed event's key, what it was for and what was answered.</summary>
    public sealed record StoredKey(long Reference, string? Fingerprint, byte[]? ResponseBody);

    /// <summary>
    /// Takes the lock, then reads the case and (when given) the event already committed under <paramref name="key"/>
    /// in one statement, in one round trip. The wait for the lock may last <paramref name="timeoutSeconds"/>.
    /// </summary>
    public static async Task<(StoredCase? Case, StoredKey? Key)> LockAndLoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long reference, Guid? key, int timeoutSeconds, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { Timeout = timeoutSeconds };
        batch.BatchCommands.Add(Command(LockSql, reference));
        var load = Command(key is null ? LoadSql : LoadWithKeySql, reference);
        if (key is { } value)
        {
            load.Parameters.Add(new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = value });
        }

        batch.BatchCommands.Add(load);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken); // the lock's own (void) row
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (null, null); // no key asked for, and no case
        }

        var stored = reader.IsDBNull(0) ? null : StoredCase.Read(reader);
        var storedKey = key is null || reader.IsDBNull(StoredCase.ColumnCount) ? null : ReadKey(reader, StoredCase.ColumnCount);
        return (stored, storedKey);
    }

    /// <summary>Reads the event committed under <paramref name="key"/> outside any case lock (after losing a race on the key).</summary>
    public static async Task<StoredKey?> FindKeyAsync(NpgsqlDataSource dataSource, Guid key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(KeySql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadKey(reader, 0) : null;
    }

    private static StoredKey ReadKey(NpgsqlDataReader reader, int at) => new(
        reader.GetInt64(at),
        reader.IsDBNull(at + 1) ? null : reader.GetString(at + 1),
        reader.IsDBNull(at + 2) ? null : reader.GetFieldValue<byte[]>(at + 2));

    private static NpgsqlBatchCommand Command(string sql, long reference)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = reference });
        return command;
    }
}
