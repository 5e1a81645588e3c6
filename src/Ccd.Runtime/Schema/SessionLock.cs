using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Schema;

/// <summary>
/// A session advisory lock that lets one replica at a time do a piece of work (migrate, import, run retention),
/// held on the connection it was taken on until disposed. Disposing releases it at once: a pooled connection keeps
/// its session locks until it is reused, so closing it would not.
/// </summary>
internal sealed class SessionLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private SessionLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Takes the lock if no other session holds it; null when one does.</summary>
    public static async Task<SessionLock?> TryTakeAsync(NpgsqlConnection connection, long key, CancellationToken cancellationToken) =>
        await RunAsync(connection, "SELECT pg_try_advisory_lock(@key)", key, commandTimeout: null, cancellationToken) is true
            ? new SessionLock(connection, key)
            : null;

    /// <summary>Takes the lock, waiting without a time limit while another session holds it.</summary>
    public static async Task<SessionLock> TakeAsync(NpgsqlConnection connection, long key, CancellationToken cancellationToken)
    {
        await RunAsync(connection, "SELECT pg_advisory_lock(@key)", key, commandTimeout: 0, cancellationToken);
        return new SessionLock(connection, key);
    }

    public async ValueTask DisposeAsync() =>
        await RunAsync(_connection, "SELECT pg_advisory_unlock(@key)", _key, commandTimeout: null, CancellationToken.None);

    private static async Task<object?> RunAsync(NpgsqlConnection connection, string sql, long key, int? commandTimeout, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("key", NpgsqlDbType.Bigint) { TypedValue = key });
        if (commandTimeout is { } seconds)
        {
            command.CommandTimeout = seconds;
        }

        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
