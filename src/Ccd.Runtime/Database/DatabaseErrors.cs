using System.Net.Sockets;
using Npgsql;

namespace Ccd.Runtime.Database;

/// <summary>Classifies database failures by <c>SqlState</c> and exception type, in one place.</summary>
internal static class DatabaseErrors
{
    /// <summary>unique_violation.</summary>
    public const string UniqueViolation = PostgresErrorCodes.UniqueViolation;

    /// <summary>
    /// True when the failure means the database cannot be used right now (down, unreachable, not answering in
    /// time, pool exhausted, shutting down): the request is answered 503 with <c>Retry-After</c>, never 500.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
                        || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.QueryCanceled
                            or PostgresErrorCodes.LockNotAvailable or "25P03"
                            or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case TimeoutException or SocketException or IOException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>True when the failure is a violation of the named unique constraint.</summary>
    public static bool IsUniqueViolation(Exception exception, string? constraint = null) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres
        && (constraint is null || string.Equals(postgres.ConstraintName, constraint, StringComparison.Ordinal));
}
