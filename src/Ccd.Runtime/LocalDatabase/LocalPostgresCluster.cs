using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Ccd.Runtime.LocalDatabase;

/// <summary>
/// A PostgreSQL cluster in a folder of its own, started on a free loopback port and a Unix socket: the embedded
/// database of <c>APP_ENV=LOCAL</c>, and the throwaway server of the test suite. Data persists in the folder
/// between starts. When the process runs as root the server runs as the <c>postgres</c> user (PostgreSQL refuses root).
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;
    private bool _stopped;

    private LocalPostgresCluster(string dataDirectory, string binDirectory, string socketDirectory, int port, bool asPostgresUser)
    {
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        SocketDirectory = socketDirectory;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The folder holding the server's Unix socket.</summary>
    public string SocketDirectory { get; }

    /// <summary>A connection string to <paramref name="database"/> as the <c>postgres</c> superuser over TCP loopback.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    /// <summary>Initialises the cluster in <paramref name="dataDirectory"/> if it is new, and starts it.</summary>
    /// <param name="dataDirectory">The cluster's folder; created if missing.</param>
    /// <param name="throwaway">Tuned for tests: no fsync, no full-page writes (data may be lost on a crash).</param>
    /// <param name="port">The port to listen on (to restart on the same port); a free one when null.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<LocalPostgresCluster> StartAsync(string dataDirectory, bool throwaway = false, int? port = null, CancellationToken cancellationToken = default)
    {
        var fullPath = Path.GetFullPath(dataDirectory);
        var bin = await PostgresBinaries.FindOrInstallAsync(cancellationToken);
        var asPostgresUser = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || IsRoot();

        // Unix socket paths are limited to ~107 bytes, so the socket lives in a short folder under /tmp.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fullPath)))[..12];
        var socketDirectory = Path.Combine(Path.GetTempPath(), $"ccd-pg-{hash}");
        Directory.CreateDirectory(socketDirectory);
        Directory.CreateDirectory(fullPath);
        if (asPostgresUser)
        {
            await RunCheckedAsync("chown", ["-R", "postgres:postgres", fullPath, socketDirectory], TimeSpan.FromSeconds(30), cancellationToken);
        }

        var cluster = new LocalPostgresCluster(fullPath, bin, socketDirectory, port ?? FreePort(), asPostgresUser);
        if (!File.Exists(Path.Combine(fullPath, "PG_VERSION")))
        {
            await cluster.PgAsync("initdb", ["-D", fullPath, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], TimeSpan.FromMinutes(2), cancellationToken);
        }

        // A server left running by a killed process holds the folder: stop it so we start on a port we know.
        var (statusCode, _) = await cluster.PgRawAsync("pg_ctl", ["-D", fullPath, "status"], TimeSpan.FromSeconds(10), cancellationToken);
        if (statusCode == 0)
        {
            await cluster.PgAsync("pg_ctl", ["-D", fullPath, "-m", "fast", "-w", "stop"], TimeSpan.FromSeconds(60), cancellationToken);
        }

        var settings = new StringBuilder($"-p {cluster.Port} -k {socketDirectory} -c listen_addresses=127.0.0.1 -c max_connections=300");
        if (throwaway)
        {
            settings.Append(" -c fsync=off -c full_page_writes=off -c synchronous_commit=off");
        }

        var logFile = fullPath + ".log";
        if (asPostgresUser && !File.Exists(logFile))
        {
            await File.WriteAllTextAsync(logFile, string.Empty, cancellationToken);
            await RunCheckedAsync("chown", ["postgres:postgres", logFile], TimeSpan.FromSeconds(10), cancellationToken);
        }

        await cluster.PgAsync("pg_ctl", ["-D", fullPath, "-o", settings.ToString(), "-l", logFile, "-w", "-t", "60", "start"], TimeSpan.FromSeconds(90), cancellationToken);
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

    /// <summary>Stops the server (fast shutdown: open sessions are ended, committed data is kept).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        await PgRawAsync("pg_ctl", ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], TimeSpan.FromSeconds(60), CancellationToken.None);
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
        var pidFile = Path.Combine(_dataDirectory, "postmaster.pid");
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

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    private async Task PgAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (code, output) = await PgRawAsync(tool, arguments, timeout, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{tool} failed (exit {code}) for the local PostgreSQL cluster in {_dataDirectory}: {output.Trim()}");
        }
    }

    private Task<(int, string)> PgRawAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(_binDirectory, tool);
        return _asPostgresUser
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments], timeout, cancellationToken)
            : ProcessRunner.RunAsync(executable, arguments, timeout, cancellationToken);
    }

    private static async Task RunCheckedAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (code, output) = await ProcessRunner.RunAsync(fileName, arguments, timeout, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{fileName} failed (exit {code}): {output.Trim()}");
        }
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllLines("/proc/self/status").Any(line => line.StartsWith("Uid:", StringComparison.Ordinal) && line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
