using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Ccd.Runtime.LocalDatabase;

/// <summary>
/// A PostgreSQL cluster in a folder of its own, listening on a free loopback port (password required, generated and
/// kept beside the data) and on a Unix socket in a private folder (no password): the embedded database of
/// <c>APP_ENV=LOCAL</c> (<see cref="LocalDatabaseRegistration.AddLocalPostgres"/>), and the throwaway server of the test suite. Data persists in the folder between starts.
/// When the process runs as root the server runs as the <c>postgres</c> user (PostgreSQL refuses root); if that user
/// cannot reach the folder, the cluster is kept in a folder of its own keyed by the folder asked for.
/// A process that finds the cluster already used by another live process joins it; the last one to leave stops it.
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartLockTimeout = TimeSpan.FromMinutes(3);
    private readonly ClusterLocation _location;
    private readonly ServerTools _tools;
    private readonly string? _password;
    private IDisposable? _use;
    private bool _stopped;

    private LocalPostgresCluster(ClusterLocation location, ServerTools tools, string socketDirectory, int port, string? password, bool joined)
    {
        _location = location;
        _tools = tools;
        SocketDirectory = socketDirectory;
        Port = port;
        _password = password;
        Joined = joined;
    }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The folder holding the server's Unix socket.</summary>
    public string SocketDirectory { get; }

    /// <summary>The folder the cluster's data is in (the one asked for, or the server user's own when it could not reach that).</summary>
    internal string DataDirectory => _location.DataDirectory;

    /// <summary>The data folder asked for, when the cluster is kept elsewhere; otherwise null.</summary>
    internal string? RelocatedFrom => _location.Relocated ? _location.Requested : null;

    /// <summary>True when another live process had the cluster running and this one joined it.</summary>
    internal bool Joined { get; }

    /// <summary>A connection string to <paramref name="database"/> as the <c>postgres</c> superuser over TCP loopback.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = _password,
        Database = database,
    }.ConnectionString;

    /// <summary>
    /// Initialises the cluster in <paramref name="dataDirectory"/> if it is new, and starts it; or joins it when
    /// another live process is using it. A server left running by processes that have all ended is restarted.
    /// </summary>
    /// <param name="dataDirectory">The cluster's folder; created if missing.</param>
    /// <param name="throwaway">Tuned for tests: no fsync, no full-page writes (data may be lost on a crash).</param>
    /// <param name="port">The port to listen on (to restart on the same port); a free one when null. Ignored when joining.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <exception cref="InvalidOperationException">The server binaries are not installed, or the server did not start; the message says why.</exception>
    public static async Task<LocalPostgresCluster> StartAsync(string dataDirectory, bool throwaway = false, int? port = null, CancellationToken cancellationToken = default)
    {
        var account = ServerAccount.ForThisProcess();
        var tools = new ServerTools(PostgresBinaries.Find(), account);
        var location = await ClusterLocation.ResolveAsync(dataDirectory, account, cancellationToken);
        using var startLock = await ClusterLocks.AcquireStartLockAsync(location.StartLockFile, StartLockTimeout, cancellationToken);

        var data = location.DataDirectory;
        var cluster = await tools.IsRunningAsync(data, cancellationToken)
            ? await JoinOrStopAbandonedAsync(location, tools, cancellationToken)
            : null;
        cluster ??= await StartOwnAsync(location, tools, throwaway, port ?? FreePort(), cancellationToken);
        cluster._use = ClusterLocks.Use(location.UsersLockFile);
        return cluster;
    }

    /// <summary>Creates <paramref name="database"/> if it does not exist.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Leaves the cluster, and stops the server (fast shutdown: open sessions are ended, committed data is kept)
    /// unless another live process is still using it.
    /// </summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var startLock = await ClusterLocks.AcquireStartLockAsync(_location.StartLockFile, StartLockTimeout, CancellationToken.None);
        _use?.Dispose();
        if (ClusterLocks.InUse(_location.UsersLockFile))
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await _tools.RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], TimeSpan.FromSeconds(60), CancellationToken.None);
        try
        {
            Directory.Delete(SocketDirectory); // only succeeds when empty, i.e. the server is gone
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The process ids of the server (postmaster first, then its children), read from <c>postmaster.pid</c> and <c>/proc</c>.</summary>
    public IReadOnlyList<int> ProcessIds()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), out var postmaster))
        {
            return [];
        }

        var children = Directory.GetDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == postmaster);
        return [postmaster, .. children];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task<LocalPostgresCluster?> JoinOrStopAbandonedAsync(ClusterLocation location, ServerTools tools, CancellationToken cancellationToken)
    {
        if (ClusterLocks.InUse(location.UsersLockFile))
        {
            // postmaster.pid: line 4 is the port, line 5 the socket folder.
            var lines = await File.ReadAllLinesAsync(Path.Combine(location.DataDirectory, "postmaster.pid"), cancellationToken);
            var password = File.Exists(location.PasswordFile) ? (await File.ReadAllTextAsync(location.PasswordFile, cancellationToken)).Trim() : null;
            return new LocalPostgresCluster(location, tools, lines[4], int.Parse(lines[3], CultureInfo.InvariantCulture), password, joined: true);
        }

        // Left running by processes that have all ended (killed): stop it, so it restarts with the settings asked for.
        await tools.RunCheckedAsync("pg_ctl", ["-D", location.DataDirectory, "-m", "fast", "-w", "stop"], TimeSpan.FromSeconds(60), cancellationToken);
        return null;
    }

    private static async Task<LocalPostgresCluster> StartOwnAsync(ClusterLocation location, ServerTools tools, bool throwaway, int port, CancellationToken cancellationToken)
    {
        var data = location.DataDirectory;
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            await tools.RunCheckedAsync("initdb", ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"], TimeSpan.FromMinutes(2), cancellationToken);
        }

        // Rewritten at every start, so a cluster made by an earlier version (trust on TCP) is brought into line.
        await File.WriteAllTextAsync(Path.Combine(data, "pg_hba.conf"), """
            # Written by Ccd.Runtime at each start: the socket's folder is private to the server's user, so the socket
            # needs no password; TCP (loopback only) needs the generated password kept beside the data folder.
            local all all trust
            host  all all 127.0.0.1/32 scram-sha-256

            """, cancellationToken);

        // Unix socket paths are limited to ~107 bytes: a short private folder under /tmp, new at each start.
        var socketDirectory = Directory.CreateTempSubdirectory("ccd-pg-").FullName;
        await tools.Account.TakeOwnershipOfCreatedAsync(socketDirectory, cancellationToken);
        var settings = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"-p {port} -k {socketDirectory} -c listen_addresses=127.0.0.1 -c max_connections=300"));
        if (throwaway)
        {
            settings.Append(" -c fsync=off -c full_page_writes=off -c synchronous_commit=off");
        }

        if (!File.Exists(location.LogFile))
        {
            await File.WriteAllTextAsync(location.LogFile, string.Empty, cancellationToken);
            await tools.Account.TakeOwnershipOfCreatedAsync(location.LogFile, cancellationToken);
        }

        await tools.RunCheckedAsync("pg_ctl", ["-D", data, "-o", settings.ToString(), "-l", location.LogFile, "-w", "-t", "60", "start"], TimeSpan.FromSeconds(90), cancellationToken);
        var password = await SetPasswordAsync(location, socketDirectory, port, cancellationToken);
        return new LocalPostgresCluster(location, tools, socketDirectory, port, password, joined: false);
    }

    /// <summary>Gives the superuser the password kept beside the data folder (generated the first time), over the socket.</summary>
    private static async Task<string> SetPasswordAsync(ClusterLocation location, string socketDirectory, int port, CancellationToken cancellationToken)
    {
        string password;
        if (File.Exists(location.PasswordFile))
        {
            password = (await File.ReadAllTextAsync(location.PasswordFile, cancellationToken)).Trim();
        }
        else
        {
            password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using var writer = new StreamWriter(location.PasswordFile, Encoding.ASCII, options);
            await writer.WriteAsync(password);
        }

        var socket = new NpgsqlConnectionStringBuilder { Host = socketDirectory, Port = port, Username = "postgres", Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(socket.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // A utility statement takes no parameters; the password is hex digits only.
        await using var alter = new NpgsqlCommand($"ALTER ROLE postgres PASSWORD '{password}'", connection);
        await alter.ExecuteNonQueryAsync(cancellationToken);
        return password;
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
