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
    private readonly LocalPostgresCluster _cluster;
    private int _counter;

    private CcdTestDatabase(string directory, LocalPostgresCluster cluster)
    {
        Directory = directory;
        _cluster = cluster;
        // Also when the test run ends without disposing (a crash, a cancelled run): no server outlives it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopQuietly();
    }

    /// <summary>The server's folder (its data in <c>data/</c>), removed on dispose.</summary>
    public string Directory { get; }

    /// <summary>The server's TCP port.</summary>
    public int Port => _cluster.Port;

    /// <summary>The server's connection string for <paramref name="database"/>, as its superuser.</summary>
    public string ConnectionString(string database = "postgres") => _cluster.ConnectionString(database);

    /// <summary>Starts the server (PostgreSQL's server binaries must be installed).</summary>
    public static async Task<CcdTestDatabase> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"ccd-testing-pg-{Guid.NewGuid():N}"[..27]);
        System.IO.Directory.CreateDirectory(directory);
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

    /// <summary>A new, empty database (no schema at all); returns its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = $"empty_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}";
        await _cluster.EnsureDatabaseAsync(name);
        return _cluster.ConnectionString(name);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void StopQuietly()
    {
        try
        {
            _cluster.StopAsync().GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or IOException)
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
