using Npgsql;

namespace Ccd.Runtime.Database;

/// <summary>
/// LOCAL and TEST: creates the runtime role and the login the service serves as (<see cref="RuntimeRoles.LocalLogin"/>),
/// connected as the owner, before the migrations grant to it. Elsewhere an administrator creates them (docs/operations.md).
/// </summary>
internal static class RuntimeLoginBootstrap
{
    private const string EnsureRolesSql = $"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RuntimeRoles.Group}') THEN
                CREATE ROLE {RuntimeRoles.Group} NOLOGIN;
            END IF;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RuntimeRoles.LocalLogin}') THEN
                CREATE ROLE {RuntimeRoles.LocalLogin} LOGIN IN ROLE {RuntimeRoles.Group};
            END IF;
        END
        $$
        """;

    /// <summary>Ensures both roles exist; a new login gets the owner's password (<paramref name="password"/>, none when null).</summary>
    /// <param name="owner">An open connection as the owner, which needs CREATEROLE (a LOCAL or TEST superuser has it).</param>
    /// <param name="password">The password of the owner's URL, given to a login this call creates.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async Task EnsureAsync(NpgsqlConnection owner, string? password, CancellationToken cancellationToken)
    {
        var existed = await LoginExistsAsync(owner, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var ensure = new NpgsqlCommand(EnsureRolesSql, owner);
                await ensure.ExecuteNonQueryAsync(cancellationToken);
                break;
            }
            catch (PostgresException exception) when (attempt < 3 && exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
            {
                // Another process of the same cluster created it between the check and the CREATE.
            }
        }

        if (!existed && !string.IsNullOrEmpty(password))
        {
            // ALTER ROLE takes no parameters: format() quotes the literal on the server. This connection has no logger.
            await using var quote = new NpgsqlCommand("SELECT format('ALTER ROLE %I PASSWORD %L', @role::text, @password::text)", owner);
            quote.Parameters.AddWithValue("role", RuntimeRoles.LocalLogin);
            quote.Parameters.AddWithValue("password", password);
            var statement = (string)(await quote.ExecuteScalarAsync(cancellationToken))!;
            await using var alter = new NpgsqlCommand(statement, owner);
            try
            {
                await alter.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InternalError && exception.MessageText.Contains("concurrently updated", StringComparison.Ordinal))
            {
                // Another process of the same cluster created the login too and set the same password at the same moment.
            }
        }
    }

    private static async Task<bool> LoginExistsAsync(NpgsqlConnection owner, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = @role)", owner);
        exists.Parameters.AddWithValue("role", RuntimeRoles.LocalLogin);
        return (bool)(await exists.ExecuteScalarAsync(cancellationToken))!;
    }
}
