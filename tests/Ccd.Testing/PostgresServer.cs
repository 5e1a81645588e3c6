using System.Globalization;
using Ccd.Runtime.Schema;
using Ccd.Runtime.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Testing;

/// <summary>
/// The throwaway PostgreSQL server of a test run: the testing package's <see cref="CcdTestDatabase"/> (free port,
/// data in /tmp, fsync off, each test its own database cloned from a migrated template), started once per test
/// assembly and removed afterwards, even when tests fail. The runtime role and the login services serve as
/// (<see cref="RuntimeLogin"/>) exist from the start. With <c>CCD_TEST_PGBOUNCER=1</c> the databases handed out are
/// reached through a transaction-pooling <see cref="PgBouncer"/>, and the services of the run are configured for it.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private CcdTestDatabase? _server;
    private PgBouncer? _bouncer;

    /// <summary>The login a service in TEST creates for itself and serves as (a member of <c>ccd_runtime</c>).</summary>
    public const string RuntimeLogin = "ccd_runtime_login";

    private CcdTestDatabase Server => _server ?? throw new InvalidOperationException("The PostgreSQL server has not started.");

    /// <summary>The server's folder (data in <c>data/</c>).</summary>
    public string Directory => Server.Directory;

    /// <summary>The server's own TCP port (not PgBouncer's).</summary>
    public int Port => Server.Port;

    /// <summary>The server's connection string for <paramref name="database"/>, as its superuser, on its own port.</summary>
    public string ConnectionString(string database = "postgres") => Server.ConnectionString(database);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _server = await CcdTestDatabase.StartAsync();
        await CreateRolesAsync();
        if (PgBouncer.Requested)
        {
            _bouncer = await PgBouncer.StartAsync(Path.Combine(Directory, "pgbouncer"), Port, Password);
            // Read by every service of the run, in process and in child processes: serve through the pool, LISTEN
            // and migrate over the cluster's own port.
            Environment.SetEnvironmentVariable("Ccd__Database__TransactionPooling", "true");
            Environment.SetEnvironmentVariable("Ccd__Database__DirectPort", Port.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The password of the cluster's superuser over TCP, which the runtime login shares.</summary>
    public string Password => new NpgsqlConnectionStringBuilder(ConnectionString()).Password ?? string.Empty;

    /// <summary>True when the databases handed out are reached through PgBouncer.</summary>
    public bool ThroughPgBouncer => _bouncer is not null;

    /// <summary><paramref name="connectionString"/> as the runtime login (what a service in TEST serves as), on the cluster's own port.</summary>
    public string AsRuntimeLogin(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Username = RuntimeLogin, Port = Port };
        return builder.ConnectionString;
    }

    // Created once before any migration, so concurrent template migrations never race to create them. Behind
    // PgBouncer the 'options' start-up parameter (jit=off) cannot be sent, so the login carries it.
    private async Task CreateRolesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        // The login gets the superuser's password (generated hex digits), as a service in TEST gives it.
        await using var create = new NpgsqlCommand(
            $"CREATE ROLE ccd_runtime NOLOGIN; CREATE ROLE {RuntimeLogin} LOGIN IN ROLE ccd_runtime PASSWORD '{Password}'; ALTER ROLE {RuntimeLogin} SET jit = off;",
            connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>Creates an empty database migrated with <paramref name="sources"/> (the runtime's schema is always included) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(params MigrationSource[] sources) => Handed(await Server.CreateDatabaseAsync(sources));

    /// <summary>Creates an empty, unmigrated database and returns its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync() => Handed(await Server.CreateEmptyDatabaseAsync());

    private string Handed(string connectionString) => _bouncer is null
        ? connectionString
        : new NpgsqlConnectionStringBuilder(connectionString) { Port = _bouncer.Port }.ConnectionString;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_bouncer is not null)
        {
            await _bouncer.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
