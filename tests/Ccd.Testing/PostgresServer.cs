using System.Collections.Concurrent;
using Ccd.Runtime.LocalDatabase;
using Ccd.Runtime.Schema;
using Npgsql;
using Xunit;

namespace Ccd.Testing;

/// <summary>
/// The throwaway PostgreSQL server of a test run: started once per test assembly (free port, socket and data in
/// /tmp, fsync off) and removed afterwards, even when tests fail. Each test gets its own database cloned from
/// a migrated template, so tests never see each other's rows.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _templates = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ccd-test-pg-{Guid.NewGuid():N}"[..24]);
    private LocalPostgresCluster? _cluster;
    private int _databaseCounter;

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
        return Cluster.ConnectionString(name);
    }

    /// <summary>Creates an empty, unmigrated database and returns its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = $"empty_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}";
        await Cluster.EnsureDatabaseAsync(name);
        return Cluster.ConnectionString(name);
    }

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
