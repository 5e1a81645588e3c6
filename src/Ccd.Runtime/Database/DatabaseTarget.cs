using Ccd.Runtime.Hosting;
using Ccd.Runtime.LocalDatabase;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Ccd.Runtime.Database;

/// <summary>Where the database is, resolved once at start-up from <c>APP_ENV</c> and <c>{APP_ENV}_DATABASE_URL</c>.</summary>
internal sealed class DatabaseTarget : IAsyncDisposable
{
    private DatabaseTarget(NpgsqlConnectionStringBuilder connection, string source, LocalPostgresCluster? embedded)
    {
        Connection = connection;
        Source = source;
        Embedded = embedded;
    }

    public NpgsqlConnectionStringBuilder Connection { get; }

    /// <summary>The variable the URL came from, or "embedded".</summary>
    public string Source { get; }

    public LocalPostgresCluster? Embedded { get; }

    public static DatabaseTarget Resolve(IConfiguration configuration, AppEnvironment environment, CcdDatabaseOptions options, string contentRoot)
    {
        var key = AppEnvironmentSettings.DatabaseUrlKey(environment);
        var url = configuration[key];
        if (!string.IsNullOrWhiteSpace(url))
        {
            return new DatabaseTarget(Apply(DatabaseUrl.Parse(url, key), options), key, embedded: null);
        }

        if (environment != AppEnvironment.Local)
        {
            throw new CcdStartupException($"{key} is not set: APP_ENV={environment.ToString().ToUpperInvariant()} needs a database URL in {key}.");
        }

        var dataDirectory = configuration["LOCAL_DATA_DIR"];
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            dataDirectory = Path.Combine(contentRoot, ".data", "postgres");
        }

        try
        {
            // Start-up is synchronous here because the data source must exist before services are built.
            var cluster = LocalPostgresCluster.StartAsync(dataDirectory).GetAwaiter().GetResult();
            cluster.EnsureDatabaseAsync(options.LocalDatabaseName).GetAwaiter().GetResult();
            var builder = new NpgsqlConnectionStringBuilder(cluster.ConnectionString(options.LocalDatabaseName));
            return new DatabaseTarget(Apply(builder, options), "embedded", cluster);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or NpgsqlException)
        {
            throw new CcdStartupException($"The embedded LOCAL database in {dataDirectory} could not start: {exception.Message}", exception);
        }
    }

    private static NpgsqlConnectionStringBuilder Apply(NpgsqlConnectionStringBuilder builder, CcdDatabaseOptions options)
    {
        builder.CommandTimeout = options.CommandTimeoutSeconds;
        builder.Timeout = options.ConnectTimeoutSeconds;
        builder.MaxPoolSize = options.MaxPoolSize;
        // Every statement here is a short OLTP one; PostgreSQL's JIT would compile one whose estimated cost only looks
        // large (an index scan with an OR'd access predicate) and spend 10-40 ms doing it. A URL that names jit wins.
        if (builder.Options?.Contains("jit", StringComparison.Ordinal) != true)
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c jit=off" : builder.Options + " -c jit=off";
        }

        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = options.MaxAutoPrepare;
        }
        // After a command timeout, wait at most this long for the server to acknowledge the cancel, then break the connection.
        builder.CancellationTimeout = 1000;
        builder.ApplicationName ??= "ccd-runtime";
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        if (Embedded is not null)
        {
            await Embedded.DisposeAsync();
        }
    }
}
