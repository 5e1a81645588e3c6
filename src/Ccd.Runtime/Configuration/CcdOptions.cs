namespace Ccd.Runtime.Configuration;

/// <summary>Settings of the runtime, bound from the <c>Ccd</c> configuration section.</summary>
public sealed class CcdOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Ccd";

    /// <summary>Database connection settings (<c>Ccd:Database</c>).</summary>
    public CcdDatabaseOptions Database { get; set; } = new();

    /// <summary>Trace and metric export (<c>Ccd:Telemetry</c>).</summary>
    public CcdTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>Largest request body accepted, in bytes (<c>Ccd:MaxRequestBodyBytes</c>); larger bodies get 413. Default 10 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;
}

/// <summary>Connection settings applied on top of the database URL (<c>Ccd:Database</c>).</summary>
public sealed class CcdDatabaseOptions
{
    /// <summary>Seconds a statement may run before it is cancelled and the request answered 503. Default 5.</summary>
    public int CommandTimeoutSeconds { get; set; } = 5;

    /// <summary>Seconds to wait for a connection (opening one, or a free one from an exhausted pool) before answering 503. Default 5.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>Largest number of pooled connections per process. Default 50.</summary>
    public int MaxPoolSize { get; set; } = 50;

    /// <summary>
    /// How many of the most used statements each connection keeps prepared on the server (Npgsql's automatic
    /// preparation), so the hot ones skip parsing and planning; 0 turns it off. Default 64. A non-zero
    /// <c>Max Auto Prepare</c> in the database URL's own connection string wins.
    /// </summary>
    public int MaxAutoPrepare { get; set; } = 64;

    /// <summary>
    /// True when <c>{APP_ENV}_DATABASE_URL</c> goes through a transaction-pooling PgBouncer: automatic preparation is
    /// off (unless the URL names <c>Max Auto Prepare</c>), and LISTEN/NOTIFY and session locks use the direct
    /// connection (<c>{APP_ENV}_DIRECT_DATABASE_URL</c> or <see cref="DirectPort"/>), or the workers poll. Default false.
    /// </summary>
    public bool TransactionPooling { get; set; }

    /// <summary>The port of a direct (not pooled) connection to the same host, user and database as the URL (Azure: 5432 beside PgBouncer's 6432); used when <c>{APP_ENV}_DIRECT_DATABASE_URL</c> is not set.</summary>
    public int? DirectPort { get; set; }

    /// <summary>Database created and used inside the embedded LOCAL cluster. Default <c>ccd_local</c>.</summary>
    public string LocalDatabaseName { get; set; } = "ccd_local";
}
