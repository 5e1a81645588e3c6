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
    // Idempotency keys are unique across the store, so the lookup is by key alone; the caller compares the case.
    private const string KeySql = """
        SELECT case_reference, request_fingerprint, response_body FROM ccd.case_event WHERE idempotency_key = $1
        """;

    // One statement, one row (migration 0091, ccd.lock_case): the lock, then the case (its columns null when there
    // is none) and the key's event (null when none or no key), both read after the lock. Bound by position ($1),
    // so Npgsql sends the text as it is instead of parsing it for named parameters.
    private const string LockAndLoadSql = $"""
        SELECT {StoredCase.Columns}, l.key_reference, l.key_fingerprint, l.key_response
        FROM ccd.lock_case($1, $2) AS l CROSS JOIN LATERAL (SELECT (l.stored).*) AS s
        """;

    /// <summary>A committed event's key, what it was for and what was answered.</summary>
    public sealed record StoredKey(long Reference, string? Fingerprint, byte[]? ResponseBody);

    /// <summary>
    /// Takes the lock, then reads the case and (when given) the event already committed under <paramref name="key"/>,
    /// in one statement. The wait for the lock may last <paramref name="timeoutSeconds"/>.
    /// </summary>
    public static async Task<(StoredCase? Case, StoredKey? Key)> LockAndLoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long reference, Guid? key, int timeoutSeconds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(LockAndLoadSql, connection, transaction) { CommandTimeout = timeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)key ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("ccd.lock_case returned no row.");
        }

        var stored = reader.IsDBNull(0) ? null : StoredCase.Read(reader);
        var keyAt = reader.FieldCount - 3; // the key's three columns follow the case's
        var storedKey = reader.IsDBNull(keyAt) ? null : ReadKey(reader, keyAt);
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
}
