using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Ccd.Testing;

/// <summary>
/// Debian's <c>pgbouncer</c> in transaction-pooling mode in front of the test cluster, as managed PostgreSQL
/// services offer it: every database of the cluster through one port, any user of <see cref="Users"/>.
/// </summary>
public sealed class PgBouncer : IAsyncDisposable
{
    /// <summary>The environment variable that runs a test assembly's services through PgBouncer (<c>1</c>).</summary>
    public const string ModeVariable = "CCD_TEST_PGBOUNCER";

    /// <summary>The users PgBouncer admits (clients are trusted on loopback; it logs in to the server with the password).</summary>
    public static readonly IReadOnlyList<string> Users = ["postgres", "ccd_runtime_login"];

    private readonly Process _process;

    private PgBouncer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>True when <see cref="ModeVariable"/> asks for a run through PgBouncer.</summary>
    public static bool Requested => Environment.GetEnvironmentVariable(ModeVariable) is "1" or "true";

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Runs <paramref name="command"/> (e.g. <c>SHOW CLIENTS</c>) on PgBouncer's admin console with psql, which speaks the
    /// simple query protocol the console needs; returns the rows, fields separated by '|'.</summary>
    public async Task<IReadOnlyList<string>> AdminAsync(string command)
    {
        var info = new ProcessStartInfo("psql") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-At", "-c", command, "pgbouncer" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("psql did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            : throw new InvalidOperationException($"psql {command} failed: {error}");
    }

    /// <summary>Starts PgBouncer for the cluster listening on <paramref name="postgresPort"/>, whose <see cref="Users"/> have
    /// <paramref name="password"/>, with its files in <paramref name="directory"/>.</summary>
    public static async Task<PgBouncer> StartAsync(string directory, int postgresPort, string password)
    {
        var port = ServiceProcess.FreePort();
        Directory.CreateDirectory(directory);
        var users = Path.Combine(directory, "userlist.txt");
        await File.WriteAllLinesAsync(users, Users.Select(user => $"\"{user}\" \"{password}\""));
        var ini = Path.Combine(directory, "pgbouncer.ini");
        await File.WriteAllTextAsync(ini, string.Create(CultureInfo.InvariantCulture, $"""
            [databases]
            * = host=127.0.0.1 port={postgresPort}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = trust
            auth_file = {users}
            pool_mode = transaction
            admin_users = postgres
            max_client_conn = 2000
            default_pool_size = 20
            server_idle_timeout = 15
            logfile = {Path.Combine(directory, "pgbouncer.log")}
            """));
        await RunAsync("chown", "-R", "postgres:postgres", directory);

        var info = new ProcessStartInfo("/usr/sbin/pgbouncer") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // PgBouncer refuses to run as root; -u switches to the postgres user after reading its files.
        foreach (var argument in IsRoot() ? ["-q", "-u", "postgres", ini] : new[] { "-q", ini })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("pgbouncer did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var bouncer = new PgBouncer(process, port);
        await bouncer.WaitListeningAsync(directory);
        return bouncer;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitListeningAsync(string directory)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process.HasExited)
            {
                var log = Path.Combine(directory, "pgbouncer.log");
                throw new InvalidOperationException($"pgbouncer exited with {_process.ExitCode}: {(File.Exists(log) ? await File.ReadAllTextAsync(log) : "no log")}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("pgbouncer did not listen within 10 s.");
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private static async Task RunAsync(string file, params string[] arguments)
    {
        if (!IsRoot())
        {
            return;
        }

        using var process = Process.Start(file, arguments);
        await process.WaitForExitAsync();
    }
}
