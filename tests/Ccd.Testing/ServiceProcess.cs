using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ccd.Testing;

/// <summary>A service binary started as a real process (Kestrel on a free loopback port), for tests that kill, restart or run replicas.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();

    private ServiceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        process.OutputDataReceived += (_, e) =>
        {
            Append(e.Data);
            lock (_standardOutput)
            {
                _standardOutput.Append(e.Data is null ? string.Empty : e.Data + "\n");
            }
        };
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The port the process listens on.</summary>
    public int Port { get; }

    /// <summary>The base address of the process.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the process printed on standard output alone (after exit, all of it).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_standardOutput)
            {
                return _standardOutput.ToString();
            }
        }
    }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>dotnet &lt;dll&gt; &lt;args&gt;</c> with <paramref name="environment"/> (APP_ENV and the database URL among them),
    /// in <paramref name="workingDirectory"/> (the dll's folder when null). With <paramref name="clockAhead"/> the process
    /// runs with Debian's libfaketime preloaded: its wall clock (so its <c>TimeProvider.System</c>) is that far ahead,
    /// its monotonic clock (timers) is not. (Preloaded rather than through the <c>faketime</c> command, so the process
    /// killed is the service itself, not a wrapper whose child a tree kill can miss.)</summary>
    public static ServiceProcess Start(
        string dll, IDictionary<string, string?> environment, IEnumerable<string>? args = null, int? port = null, string? workingDirectory = null, TimeSpan? clockAhead = null)
    {
        var chosenPort = port ?? FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        if (clockAhead is { } ahead)
        {
            info.Environment["LD_PRELOAD"] = FakeTimeLibrary();
            info.Environment["FAKETIME"] = $"+{(long)ahead.TotalSeconds}s";
            info.Environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1";
        }

        info.ArgumentList.Add(dll);
        foreach (var arg in args ?? [])
        {
            info.ArgumentList.Add(arg);
        }

        // Only what the test passes: no APP_ENV or database URL leaks in from the machine.
        foreach (var key in info.Environment.Keys.Where(k => k.EndsWith("_DATABASE_URL", StringComparison.Ordinal) || k == "APP_ENV").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{chosenPort}";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["Ccd__Auth__SigningKey"] = TestTokens.SigningKey; // so TestTokens work against the process; the test may override it
        if (environment.TryGetValue("APP_ENV", out var appEnv) && appEnv?.ToUpperInvariant() is "DEV" or "PROD")
        {
            // DEV/PROD refuse to start without identity and S2S providers. Tests of start-up and the database give
            // these unreachable placeholders (port 9, discard); they are only contacted when a request brings a token.
            info.Environment["Ccd__Auth__Authority"] = "http://127.0.0.1:9/";
            info.Environment["Ccd__Auth__RequireHttpsMetadata"] = "false";
            info.Environment["Ccd__Auth__Audience"] = "ccd-test";
            info.Environment["Ccd__Auth__S2sUrl"] = "http://127.0.0.1:9/";
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        return new ServiceProcess(process, chosenPort);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200, or throws with the process output.</summary>
    public async Task WaitReadyAsync(TimeSpan? ceiling = null)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (ceiling ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The service was not ready in time:\n{Output}");
    }

    /// <summary>Waits for the process to exit within <paramref name="ceiling"/>; returns false if it did not.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan ceiling)
    {
        using var timeout = new CancellationTokenSource(ceiling);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            _process.WaitForExit(); // flush redirected output
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits for it.</summary>
    public async Task StopAsync(TimeSpan? ceiling = null)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        if (!await WaitForExitAsync(ceiling ?? TimeSpan.FromSeconds(30)))
        {
            Kill();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.CompletedTask;
        _process.Dispose();
    }

    private static readonly string[] FakeTimeLibraries = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"];

    private static string FakeTimeLibrary() =>
        FakeTimeLibraries.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("libfaketime is not installed: run scripts/install-prerequisites.sh (Debian package faketime).");

    /// <summary>A free loopback TCP port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
