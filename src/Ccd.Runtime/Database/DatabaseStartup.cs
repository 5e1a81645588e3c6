using System.Net.Sockets;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Schema;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccd.Runtime.Database;

/// <summary>Fail-fast start-up: the database must answer, and the schema must be current (or is migrated in LOCAL/TEST, as the owner).</summary>
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
        if (target.Role == DatabaseRole.Runtime)
        {
            logger.LogInformation("{Connection}", target.DescribeForLog());
        }

        if (AppEnvironmentSettings.MigratesAtStartup(environment.Name))
        {
            var applied = await MigrateAsOwnerAsync(cancellationToken);
            if (applied.Count > 0)
            {
                logger.LogInformation("Applied {Count} migrations: {Names}", applied.Count, string.Join(", ", applied));
            }

            return;
        }

        await CheckConnectivityAsync(cancellationToken);
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

    public async Task<IReadOnlyList<string>> ApplyMigrationsAsync(CancellationToken cancellationToken) =>
        await ApplyAsync(migrations, cancellationToken);

    /// <summary>Checks the process's main connection answers (the runtime role's for <c>serve</c>).</summary>
    public Task CheckConnectivityAsync(CancellationToken cancellationToken) =>
        CheckConnectivityAsync(dataSource, target.Connection, cancellationToken);

    private async Task<IReadOnlyList<string>> MigrateAsOwnerAsync(CancellationToken cancellationToken)
    {
        if (target.Owner is null)
        {
            await CheckConnectivityAsync(cancellationToken);
            return await ApplyMigrationsAsync(cancellationToken);
        }

        // No logger on the owner's data source: the bootstrap may send a password literal.
        await using var owner = NpgsqlDataSource.Create(target.Owner.ConnectionString);
        await CheckConnectivityAsync(owner, target.Owner, cancellationToken);
        if (target.CreatesRuntimeLogin)
        {
            await CreateRuntimeLoginAsync(owner, cancellationToken);
        }

        var applied = await ApplyAsync(migrations.On(owner), cancellationToken);
        await CheckConnectivityAsync(cancellationToken);
        return applied;
    }

    private async Task CreateRuntimeLoginAsync(NpgsqlDataSource owner, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await owner.OpenConnectionAsync(cancellationToken);
            await RuntimeLoginBootstrap.EnsureAsync(connection, target.Owner!.Password, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            var key = AppEnvironmentSettings.DatabaseUrlKey(environment.Name);
            throw new CcdStartupException(
                $"User '{target.Owner!.Username}' of {key} may not create the runtime login '{RuntimeRoles.LocalLogin}' (it needs CREATEROLE): " +
                $"give it CREATEROLE, or set {DatabaseTarget.MigrationUrlKey(environment.Name)} to the owner and {key} to a login that is a member of '{RuntimeRoles.Group}'.",
                exception);
        }
    }

    private static async Task<IReadOnlyList<string>> ApplyAsync(MigrationRunner runner, CancellationToken cancellationToken)
    {
        try
        {
            return await runner.ApplyAsync(cancellationToken);
        }
        catch (MigrationException exception)
        {
            throw new CcdStartupException(exception.Message, exception);
        }
    }

    private async Task CheckConnectivityAsync(NpgsqlDataSource source, NpgsqlConnectionStringBuilder connection, CancellationToken cancellationToken)
    {
        var where = $"{DatabaseUrl.Describe(connection)} (from {target.Source})";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectCeiling);
        try
        {
            await using var open = await source.OpenConnectionAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", open);
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new CcdStartupException($"The database at {where} refused the credentials (user '{connection.Username}'): check the user name and password.", exception);
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
