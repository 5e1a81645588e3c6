using System.Collections.Concurrent;
using Ccd.Runtime.LocalDatabase;
using Ccd.Runtime.Schema;
using Npgsql;

namespace Ccd.Runtime.Testing;

/// <summary>
/// A throwaway PostgreSQL server (the runtime's embedded cluster: free port, data in the temp folder, fsync off),
/// removed on dispose. Each <see cref="CreateDatabaseAsync"/> clones a migrated template, so tests never share rows.
/// Start one per test run (an assembly or collection fixture) and a database per test.
/// </summary>
public sealed class CcdTestDatabase : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _templates = new();
    private readonly string _directory;
    private readonly LocalPostgresCluster _cluster;
    private int _counter;

    private CcdTestDatabase(string directory, LocalPostgresCluster cluster)
    {
        _directory = directory;
        _cluster = cluster;
    }

    /// <summary>The server's connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres") => _cluster.ConnectionString(database);

    /// <summary>Starts the server (PostgreSQL's server binaries must be installed).</summary>
    public static async Task<CcdTestDatabase> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"ccd-testing-pg-{Guid.NewGuid():N}"[..27]);
        Directory.CreateDirectory(directory);
        var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(directory, "data"), throwaway: true);
        return new CcdTestDatabase(directory, cluster);
    }

    /// <summary>A new database migrated with the runtime's schema and <paramref name="sources"/>; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(params MigrationSource[] sources)
    {
        var all = new[] { MigrationSource.Ccd }.Concat(sources).Distinct().ToArray();
        var key = string.Join("_", all.Select(source => source.Module));
        var template = await _templates.GetOrAdd(key, _ => new Lazy<Task<string>>(() => CreateTemplateAsync("template_" + key, all))).Value;
        var name = $"test_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString());
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", connection);
        await create.ExecuteNonQueryAsync();
        return _cluster.ConnectionString(name);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<string> CreateTemplateAsync(string name, MigrationSource[] sources)
    {
        await _cluster.EnsureDatabaseAsync(name);
        await using (var dataSource = NpgsqlDataSource.Create(_cluster.ConnectionString(name)))
        {
            await new MigrationRunner(dataSource, sources).ApplyAsync();
        }

        NpgsqlConnection.ClearAllPools(); // a template must have no open sessions when it is copied
        return name;
    }
}
