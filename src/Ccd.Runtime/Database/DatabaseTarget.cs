using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Ccd.Runtime.Database;

/// <summary>
/// Where the database is and as whom to connect, resolved once at start-up from <c>APP_ENV</c> and the
/// <c>{APP_ENV}_DATABASE_URL</c> (serving, the runtime role), <c>{APP_ENV}_MIGRATION_DATABASE_URL</c> (the owner)
/// and <c>{APP_ENV}_DIRECT_DATABASE_URL</c> (LISTEN/NOTIFY past a transaction pool) settings.
/// </summary>
internal sealed class DatabaseTarget
{
    private DatabaseTarget(
        NpgsqlConnectionStringBuilder connection,
        NpgsqlConnectionStringBuilder? owner,
        NpgsqlConnectionStringBuilder? direct,
        DatabaseRole role,
        bool transactionPooling,
        bool createsRuntimeLogin,
        string source,
        ILocalDatabase? embedded)
    {
        Connection = connection;
        Owner = owner;
        Direct = direct;
        Role = role;
        TransactionPooling = transactionPooling;
        CreatesRuntimeLogin = createsRuntimeLogin;
        Source = source;
        Embedded = embedded;
    }

    /// <summary>The connection of the process's main data source: the runtime role's for <c>serve</c>, the owner's otherwise.</summary>
    public NpgsqlConnectionStringBuilder Connection { get; }

    /// <summary>The owner's connection when it differs from <see cref="Connection"/> (migrations at start-up of <c>serve</c>); null when they are the same, or when it is not known.</summary>
    public NpgsqlConnectionStringBuilder? Owner { get; }

    /// <summary>A direct (not transaction-pooled) connection for LISTEN when it differs from <see cref="Connection"/>.</summary>
    public NpgsqlConnectionStringBuilder? Direct { get; }

    /// <summary>The role <see cref="Connection"/> is for.</summary>
    public DatabaseRole Role { get; }

    /// <summary>True when <see cref="Connection"/> goes through a transaction-pooling PgBouncer (<c>Ccd:Database:TransactionPooling</c>).</summary>
    public bool TransactionPooling { get; }

    /// <summary>True when LISTEN/NOTIFY can be used: the connection is direct, or a direct one is configured.</summary>
    public bool CanListen => !TransactionPooling || Direct is not null;

    /// <summary>LOCAL or TEST serving without a separate migration URL: the runtime login is created from the owner's connection at start-up.</summary>
    public bool CreatesRuntimeLogin { get; }

    /// <summary>The variable the URL came from, or "embedded".</summary>
    public string Source { get; }

    /// <summary>The LOCAL development database the connection is to, when no URL was set; null otherwise.</summary>
    public ILocalDatabase? Embedded { get; }

    /// <summary>The variable holding the owner's URL, e.g. <c>PROD_MIGRATION_DATABASE_URL</c>.</summary>
    public static string MigrationUrlKey(AppEnvironment environment) => $"{environment.ToString().ToUpperInvariant()}_MIGRATION_DATABASE_URL";

    /// <summary>The variable holding the direct URL used for LISTEN behind a transaction pool, e.g. <c>PROD_DIRECT_DATABASE_URL</c>.</summary>
    public static string DirectUrlKey(AppEnvironment environment) => $"{environment.ToString().ToUpperInvariant()}_DIRECT_DATABASE_URL";

    public static DatabaseTarget Resolve(IConfiguration configuration, AppEnvironment environment, CcdDatabaseOptions options, DatabaseRole role, ILocalDatabase? local)
    {
        var key = AppEnvironmentSettings.DatabaseUrlKey(environment);
        var (serving, source, embedded) = ResolveServing(configuration, environment, options, key, local);
        var pooled = options.TransactionPooling;
        var direct = Optional(configuration, DirectUrlKey(environment)) ?? (options.DirectPort is { } port ? WithPort(serving, port) : null);
        var migration = Optional(configuration, MigrationUrlKey(environment));
        if (pooled && direct is null && migration is null && (role == DatabaseRole.Owner || AppEnvironmentSettings.MigratesAtStartup(environment)))
        {
            throw new CcdStartupException(
                $"Ccd:Database:TransactionPooling is on, so {key} goes through a transaction pool, which cannot hold the session lock migrations take: " +
                $"set {MigrationUrlKey(environment)} (the owner, connecting directly) or Ccd:Database:DirectPort.");
        }

        // The owner connects directly: migrations hold a session advisory lock for their whole run.
        // (Behind a pool with neither, serve in DEV/PROD never migrates, so the owner's connection is not used.)
        var owner = migration ?? (pooled ? direct ?? serving : serving);
        var createsLogin = role == DatabaseRole.Runtime && migration is null && AppEnvironmentSettings.IsDevelopmentLike(environment);
        if (role == DatabaseRole.Owner)
        {
            return new DatabaseTarget(Apply(Copy(owner), options, pooled: false), null, null, role, transactionPooling: false, createsLogin, source, embedded);
        }

        if (createsLogin)
        {
            // LOCAL and TEST create their runtime login and serve as it, with the owner's password (DatabaseStartup).
            serving = Copy(serving);
            serving.Username = RuntimeRoles.LocalLogin;
            if (direct is not null)
            {
                direct = Copy(direct);
                direct.Username = RuntimeRoles.LocalLogin;
            }
        }

        var connection = Apply(serving, options, pooled);
        var ownerSeparate = ReferenceEquals(owner, serving) ? null : Apply(Copy(owner), options, pooled: false);
        var directSeparate = pooled && direct is not null ? Apply(direct, options, pooled: false) : null;
        return new DatabaseTarget(connection, ownerSeparate, directSeparate, role, pooled, createsLogin, source, embedded);
    }

    /// <summary>One line for the start-up log: as whom and how the service connects; never credentials.</summary>
    public string DescribeForLog()
    {
        var serving = $"user '{Connection.Username}' at {DatabaseUrl.Describe(Connection)}";
        if (!TransactionPooling)
        {
            return $"Database connection: serving as {serving}, direct connection (LISTEN/NOTIFY on).";
        }

        var listen = Direct is not null
            ? $"LISTEN/NOTIFY over the direct connection {DatabaseUrl.Describe(Direct)}"
            : "no direct connection configured, so LISTEN/NOTIFY is off and the workers poll";
        return $"Database connection: serving as {serving} through a transaction pool: automatic statement preparation {(Connection.MaxAutoPrepare == 0 ? "off" : $"at {Connection.MaxAutoPrepare} (set in the URL)")}; {listen}.";
    }

    private static (NpgsqlConnectionStringBuilder Serving, string Source, ILocalDatabase? Embedded) ResolveServing(
        IConfiguration configuration, AppEnvironment environment, CcdDatabaseOptions options, string key, ILocalDatabase? local)
    {
        if (Optional(configuration, key) is { } configured)
        {
            return (configured, key, null);
        }

        if (environment != AppEnvironment.Local)
        {
            throw new CcdStartupException($"{key} is not set: APP_ENV={environment.ToString().ToUpperInvariant()} needs a database URL in {key}.");
        }

        if (local is null)
        {
            throw new CcdStartupException(
                $"{key} is not set and no embedded database is registered: set {key}, or register the development database (AddLocalPostgres, from Ccd.Runtime.LocalDatabase).");
        }

        // Synchronous because the data source must exist before the services that use it are built.
        var connection = local.StartAsync(options.LocalDatabaseName, CancellationToken.None).GetAwaiter().GetResult();
        return (new NpgsqlConnectionStringBuilder(connection), "embedded", local);
    }

    private static NpgsqlConnectionStringBuilder? Optional(IConfiguration configuration, string key)
    {
        var url = configuration[key];
        return string.IsNullOrWhiteSpace(url) ? null : DatabaseUrl.Parse(url, key);
    }

    private static NpgsqlConnectionStringBuilder Copy(NpgsqlConnectionStringBuilder builder) => new(builder.ConnectionString);

    private static NpgsqlConnectionStringBuilder WithPort(NpgsqlConnectionStringBuilder builder, int port)
    {
        var copy = Copy(builder);
        copy.Port = port;
        return copy;
    }

    private static NpgsqlConnectionStringBuilder Apply(NpgsqlConnectionStringBuilder builder, CcdDatabaseOptions options, bool pooled)
    {
        builder.CommandTimeout = options.CommandTimeoutSeconds;
        builder.Timeout = options.ConnectTimeoutSeconds;
        builder.MaxPoolSize = options.MaxPoolSize;
        if (pooled)
        {
            // PgBouncer refuses the 'options' start-up parameter (so jit=off is a role setting there, see
            // docs/operations.md), cannot keep server-side prepared statements before 1.21, and hands the server
            // connection to another client after each transaction, so a reset on close would only cost a round trip.
            builder.NoResetOnClose = true;
        }
        else if (builder.Options?.Contains("jit", StringComparison.Ordinal) != true)
        {
            // Every statement here is a short OLTP one; PostgreSQL's JIT would compile one whose estimated cost only looks
            // large (an index scan with an OR'd access predicate) and spend 10-40 ms doing it. A URL that names jit wins.
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c jit=off" : builder.Options + " -c jit=off";
        }

        if (builder.MaxAutoPrepare == 0 && !pooled)
        {
            builder.MaxAutoPrepare = options.MaxAutoPrepare;
        }

        // After a command timeout, wait at most this long for the server to acknowledge the cancel, then break the connection.
        builder.CancellationTimeout = 1000;
        builder.ApplicationName ??= "ccd-runtime";
        return builder;
    }
}
