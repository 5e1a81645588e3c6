using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Npgsql;

namespace Ccd.Runtime.LocalDatabase;

/// <summary>
/// The embedded PostgreSQL of <c>APP_ENV=LOCAL</c>: a <see cref="LocalPostgresCluster"/> in <c>LOCAL_DATA_DIR</c>
/// (default <c>.data/postgres</c> under the content root), kept between runs, stopped with the application.
/// </summary>
internal sealed class LocalPostgresDatabase(string dataDirectory) : ILocalDatabase
{
    private LocalPostgresCluster? _cluster;

    public async Task<string> StartAsync(string database, CancellationToken cancellationToken)
    {
        try
        {
            _cluster ??= await LocalPostgresCluster.StartAsync(dataDirectory, cancellationToken: cancellationToken);
            await _cluster.EnsureDatabaseAsync(database, cancellationToken);
            return _cluster.ConnectionString(database);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or NpgsqlException)
        {
            throw new CcdStartupException($"The embedded LOCAL database in {dataDirectory} could not start: {exception.Message}", exception);
        }
    }

    public string Describe()
    {
        if (_cluster is not { } cluster)
        {
            return $"embedded PostgreSQL in {dataDirectory} (not started)";
        }

        var where = $"embedded PostgreSQL in {cluster.DataDirectory} on 127.0.0.1:{cluster.Port}";
        if (cluster.RelocatedFrom is { } requested)
        {
            where += $" (kept there because the postgres user cannot enter {requested}; LOCAL_DATA_DIR chooses another folder)";
        }

        return where + (cluster.Joined ? ", shared with another process using it" : ", stopped when the service stops");
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
