using System.Collections.Concurrent;
using Ccd.Runtime.LocalDatabase;
using Ccd.Runtime.Schema;
using Npgsql;
using Xunit;

namespace Ccd.Testing;

/// <summary>
/// The throwaway PostgreSQL server of a test run: started once per test assembly (free port, socket and data in
/// /tmp, fsync off) and removed afterwards, even when tests fail. Each test gets its own database cloned from
/// a migrated template, so tests never see each other's rows. The runtime role and the login services serve as
/// (<see cref="RuntimeLogin"/>) exist from the start. With <c>CCD_TEST_PGBOUNCER=1</c> the databases handed out are
/// reached through a transaction-pooling <see cref="PgBouncer"/>, and the services of the run are configured for it.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _templates = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ccd-test-pg-{Guid.NewGuid():N}"[..24]);
    private LocalPostgresCluster? _cluster;
    private PgBouncer? _bouncer;
    private int _databaseCounter;

    /// <summary>The login a service in TEST creates for itself and serves as (a member of <c>ccd_runtime</c>).</summary>
    public const string RuntimeLogin = "ccd_runtime_login";

    /// <summary>The running cluster.</summary>
    public LocalPostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL server has not started.");

    /// <summary>The server's folder (data in <c>data/</c>).</summary>
    public string Directory => _directory;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(_directory);
        _cluster = await LocalPostgresCluster.StartAsync(Path.Combine(_directory, "data"), throwaway: true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopQuietly();
        await CreateRolesAsync();
        if (PgBouncer.Requested)
        {
            _bouncer = await PgBouncer.StartAsync(Path.Combine(_directory, "pgbouncer"), _cluster.Port, Password);
            // Read by every service of the run, in process and in child processes: serve through the pool, LISTEN
            // and migrate over the cluster's own port.
            Environment.SetEnvironmentVariable("Ccd__Database__TransactionPooling", "true");
            Environment.SetEnvironmentVariable("Ccd__Database__DirectPort", _cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The password of the cluster's superuser over TCP, which the runtime login shares.</summary>
    public string Password => new NpgsqlConnectionStringBuilder(Cluster.ConnectionString()).Password ?? string.Empty;

    /// <summary>True when the databases handed out are reached through PgBouncer.</summary>
    public bool ThroughPgBouncer => _bouncer is not null;

    /// <summary><paramref name="connectionString"/> as the runtime login (what a service in TEST serves as), on the cluster's own port.</summary>
    public string AsRuntimeLogin(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Username = RuntimeLogin, Port = Cluster.Port };
        return builder.ConnectionString;
    }

    // Created once before any migration, so concurrent template migrations never race to create them. Behind
    // PgBouncer the 'options' start-up parameter (jit=off) cannot be sent, so the login carries it.
    private async Task CreateRolesAsync()
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString());
        await connection.OpenAsync();
        // The login gets the superuser's password (generated hex digits), as a service in TEST gives it.
        await using var create = new NpgsqlCommand(
            $"CREATE ROLE ccd_runtime NOLOGIN; CREATE ROLE {RuntimeLogin} LOGIN IN ROLE ccd_runtime PASSWORD '{Password}'; ALTER ROLE {RuntimeLogin} SET jit = off;",
            connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>Creates an empty database migrated with <paramref name="sources"/> (the runtime's schema is always included) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(params MigrationSource[] sources)
    {
        var all = new[] { MigrationSource.Ccd }.Concat(sources).Distinct().ToArray();
        var key = string.Join("+", all.Select(source => source.Module));
        var template = await _templates.GetOrAdd(key, _ => new Lazy<Task<string>>(() => CreateTemplateAsync(key, all))).Value;
        var name = $"test_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString());
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", connection);
        await create.ExecuteNonQueryAsync();
        return Handed(name);
    }

    /// <summary>Creates an empty, unmigrated database and returns its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = $"empty_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}";
        await Cluster.EnsureDatabaseAsync(name);
        return Handed(name);
    }

    private string Handed(string database) => _bouncer is null
        ? Cluster.ConnectionString(database)
        : new NpgsqlConnectionStringBuilder(Cluster.ConnectionString(database)) { Port = _bouncer.Port }.ConnectionString;

    private async Task<string> CreateTemplateAsync(string key, MigrationSource[] sources)
    {
        var name = "template_" + key.Replace("+", "_", StringComparison.Ordinal);
        await Cluster.EnsureDatabaseAsync(name);
        await using (var dataSource = NpgsqlDataSource.Create(Cluster.ConnectionString(name)))
        {
            await new MigrationRunner(dataSource, sources).ApplyAsync();
        }

        NpgsqlConnection.ClearAllPools(); // a template must have no open sessions when it is copied
        return name;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_bouncer is not null)
        {
            await _bouncer.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.StopAsync();
        }

        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void StopQuietly()
    {
        try
        {
            _cluster?.StopAsync().GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or IOException)
        {
        }
    }
}
