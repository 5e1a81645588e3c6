using System.Net.Sockets;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Schema;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccd.Runtime.Database;

/// <summary>Fail-fast start-up: the database must answer, and the schema must be current (or is migrated in LOCAL/TEST).</summary>
internal sealed class DatabaseStartup(
    NpgsqlDataSource dataSource,
    DatabaseTarget target,
    MigrationRunner migrations,
    CcdEnvironment environment,
    ILogger<DatabaseStartup> logger)
{
    /// <summary>A ceiling on the whole connectivity check, so a host that never answers fails start-up in time.</summary>
    private static readonly TimeSpan ConnectCeiling = TimeSpan.FromSeconds(8);

    public async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        await CheckConnectivityAsync(cancellationToken);
        if (AppEnvironmentSettings.MigratesAtStartup(environment.Name))
        {
            var applied = await ApplyMigrationsAsync(cancellationToken);
            if (applied.Count > 0)
            {
                logger.LogInformation("Applied {Count} migrations: {Names}", applied.Count, string.Join(", ", applied));
            }

            return;
        }

        IReadOnlyList<string> pending;
        try
        {
            pending = await migrations.PendingAsync(cancellationToken);
        }
        catch (MigrationException exception)
        {
            throw new CcdStartupException(exception.Message, exception);
        }

        if (pending.Count > 0)
        {
            throw new CcdStartupException(
                $"The database schema is not up to date: {pending.Count} migration(s) not applied ({string.Join(", ", pending)}). " +
                "Run the 'migrate' command (for example: dotnet Adoption.Service.dll migrate) with the same configuration, then start again.");
        }
    }

    public async Task<IReadOnlyList<string>> ApplyMigrationsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await migrations.ApplyAsync(cancellationToken);
        }
        catch (MigrationException exception)
        {
            throw new CcdStartupException(exception.Message, exception);
        }
    }

    public async Task CheckConnectivityAsync(CancellationToken cancellationToken)
    {
        var where = $"{DatabaseUrl.Describe(target.Connection)} (from {target.Source})";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectCeiling);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new CcdStartupException($"The database at {where} refused the credentials (user '{target.Connection.Username}'): check the user name and password.", exception);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            throw new CcdStartupException($"The database at {where} does not exist.", exception);
        }
        catch (PostgresException exception)
        {
            throw new CcdStartupException($"The database at {where} refused the connection: {exception.SqlState} {exception.MessageText}", exception);
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException
                                              || exception.InnerException is TimeoutException)
        {
            throw new CcdStartupException($"The database at {where} did not answer within {ConnectCeiling.TotalSeconds:0} s (host unreachable or not responding).", exception);
        }
        catch (Exception exception) when (exception is NpgsqlException or SocketException)
        {
            var reason = exception.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : exception.Message;
            throw new CcdStartupException($"The database at {where} could not be reached: {reason}.", exception);
        }
    }
}
