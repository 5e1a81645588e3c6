using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>
/// The README's two commands as a new user meets them: the service copied under a private folder, run from the
/// checkout's root, and commands run beside a running service on the same embedded database.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class FirstRunProcessTests(PostgresServer postgres) : IDisposable
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromMinutes(3);
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"ccd-firstrun-{Guid.NewGuid():N}"[..26]);
    private readonly List<string> _relocatedClusters = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task under_a_mode_700_parent_the_service_starts_on_the_default_data_folder_restarts_on_it_and_leaves_the_parent_alone()
    {
        var parent = Path.Combine(_scratch, "private");
        Directory.CreateDirectory(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var app = Path.Combine(parent, "app");
        CopyFolder(Checkout.ServiceFolder, app);
        var parentBefore = await StatAsync(parent);
        var appBefore = await StatAsync(app);
        var environment = new Dictionary<string, string?> { ["APP_ENV"] = "LOCAL" }; // and no LOCAL_DATA_DIR: the default folder
        var dll = Path.Combine(app, "Adoption.Service.dll");

        string data;
        await using (var first = ServiceProcess.Start(dll, environment))
        {
            await first.WaitReadyAsync(Ceiling);
            data = EmbeddedDataFolder(first.Output);
            if (Environment.UserName == "root")
            {
                // PostgreSQL runs as postgres, which cannot enter the private parent: the cluster is kept in a folder of its own.
                Assert.Contains($"because the postgres user cannot enter {Path.Combine(app, ".data", "postgres")}", first.Output, StringComparison.Ordinal);
                Assert.StartsWith("/var/lib/postgresql/ccd-local/", data, StringComparison.Ordinal);
                _relocatedClusters.Add(Path.GetDirectoryName(data)!);
            }

            await InsertCaseAsync(data, 1234567890123452);
            await first.StopAsync();
            Assert.True(first.ExitCode == 0, first.Output);
        }

        Assert.False(File.Exists(Path.Combine(data, "postmaster.pid")), "the embedded cluster was not stopped with the service");
        await using (var second = ServiceProcess.Start(dll, environment))
        {
            await second.WaitReadyAsync(Ceiling);
            Assert.Equal(data, EmbeddedDataFolder(second.Output));
            Assert.Equal(1L, await CountCasesAsync(data, 1234567890123452));
            await second.StopAsync();
            Assert.True(second.ExitCode == 0, second.Output);
        }

        Assert.Equal(parentBefore, await StatAsync(parent));
        Assert.Equal(appBefore, await StatAsync(app));
    }

    [Fact]
    public async Task run_from_the_checkout_root_the_idle_console_has_no_sql_and_status_json_is_one_document_on_stdout()
    {
        var environment = new Dictionary<string, string?> { ["APP_ENV"] = "LOCAL", ["LOCAL_DATA_DIR"] = Path.Combine(_scratch, "postgres") };
        var dll = Path.Combine(Checkout.ServiceFolder, "Adoption.Service.dll");
        await using var service = ServiceProcess.Start(dll, environment, workingDirectory: Checkout.Root);
        await service.WaitReadyAsync(Ceiling);

        // An observation window, not a wait for something: the background workers poll the database all the while.
        await Task.Delay(TimeSpan.FromSeconds(10), Ct);
        Assert.False(service.HasExited, service.Output);
        Assert.DoesNotContain("Npgsql.Command", service.Output, StringComparison.Ordinal);
        Assert.Contains("Database: embedded PostgreSQL in ", service.Output, StringComparison.Ordinal);
        Assert.Contains("Now listening on: " + service.BaseAddress.ToString().TrimEnd('/'), service.Output, StringComparison.Ordinal);

        await using var status = ServiceProcess.Start(dll, environment, ["status", "--json"], workingDirectory: Checkout.Root);
        Assert.True(await status.WaitForExitAsync(Ceiling), status.Output);
        Assert.True(status.ExitCode == 0, status.Output);
        using var document = JsonDocument.Parse(status.StandardOutput); // the whole of stdout, nothing trimmed
        Assert.True(document.RootElement.TryGetProperty("schema", out _), status.StandardOutput);

        await service.StopAsync();
        Assert.True(service.ExitCode == 0, service.Output);
    }

    [Fact]
    public async Task status_import_and_migrate_beside_a_running_service_share_its_database_and_it_stays_ready()
    {
        var source = await CcdSourceDatabase.CreateAsync(postgres, cases: 20, eventsPerCase: 2);
        var data = Path.Combine(_scratch, "postgres");
        var environment = new Dictionary<string, string?> { ["APP_ENV"] = "LOCAL", ["LOCAL_DATA_DIR"] = data, ["CCD_SOURCE_DATABASE_URL"] = source };
        var dll = Path.Combine(Checkout.ServiceFolder, "Adoption.Service.dll");
        Directory.CreateDirectory(_scratch);
        await using var service = ServiceProcess.Start(dll, environment, workingDirectory: _scratch);
        await service.WaitReadyAsync(Ceiling);
        var postmaster = PostmasterOf(data);

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var watch = WatchReadinessAsync(service.BaseAddress, watching.Token);
        foreach (var command in new[] { new[] { "status", "--json" }, ["import", "--case-types", "A58"], ["migrate"] })
        {
            await using var run = ServiceProcess.Start(dll, environment, command, workingDirectory: _scratch);
            Assert.True(await run.WaitForExitAsync(Ceiling), run.Output);
            Assert.True(run.ExitCode == 0, $"{string.Join(' ', command)}:\n{run.Output}");
        }

        await Task.Delay(TimeSpan.FromSeconds(1), Ct); // a few more readiness probes after the last command has left
        await watching.CancelAsync();
        var (probes, failures) = await watch;
        Assert.True(failures.Count == 0, $"{failures.Count} of {probes} readiness probes failed: {string.Join("; ", failures.Take(5))}");
        Assert.True(probes > 0);
        Assert.Equal(postmaster, PostmasterOf(data)); // the same server throughout, never restarted

        await service.StopAsync();
        Assert.True(service.ExitCode == 0, service.Output);
        Assert.False(File.Exists(Path.Combine(data, "postmaster.pid")), "the last user out did not stop the cluster");
    }

    public void Dispose()
    {
        foreach (var folder in _relocatedClusters.Prepend(_scratch))
        {
            StopLeftoverCluster(folder);
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<(int Probes, List<string> Failures)> WatchReadinessAsync(Uri service, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(10) };
        var failures = new List<string>();
        var probes = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken);
                probes++;
                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (HttpRequestException exception)
            {
                probes++;
                failures.Add(exception.Message);
            }
        }

        return (probes, failures);
    }

    private static string EmbeddedDataFolder(string output) =>
        EmbeddedLine().Match(output) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("No embedded database line in:\n" + output);

    [GeneratedRegex(@"Database: embedded PostgreSQL in (\S+) on ")]
    private static partial Regex EmbeddedLine();

    private static int PostmasterOf(string data) => int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<NpgsqlConnection> OpenAsync(string data)
    {
        var port = File.ReadLines(Path.Combine(data, "postmaster.pid")).ElementAt(3);
        var password = (await File.ReadAllTextAsync(data + ".password", Ct)).Trim();
        var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=ccd_local;Pooling=false");
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task InsertCaseAsync(string data, long reference)
    {
        await using var connection = await OpenAsync(data);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO ccd.case_data (reference, jurisdiction, case_type_id, state, security_classification, created_date, last_modified, last_state_modified_date)
            VALUES (@reference, 'ADOPTION', 'A58', 'APPLICATION', 'PUBLIC', now(), now(), now())
            """, connection);
        insert.Parameters.AddWithValue("reference", reference);
        await insert.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<long> CountCasesAsync(string data, long reference)
    {
        await using var connection = await OpenAsync(data);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM ccd.case_data WHERE reference = @reference", connection);
        count.Parameters.AddWithValue("reference", reference);
        return (long)(await count.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>Mode and owner, as <c>stat</c> prints them.</summary>
    private static async Task<string> StatAsync(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%a %U:%G", path]) { RedirectStandardOutput = true })!;
        var output = await stat.StandardOutput.ReadToEndAsync(Ct);
        await stat.WaitForExitAsync(Ct);
        return output.Trim();
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void StopLeftoverCluster(string folder)
    {
        foreach (var pid in Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "postmaster.pid", SearchOption.AllDirectories) : [])
        {
            var data = Path.GetDirectoryName(pid)!;
            try
            {
                Ccd.Runtime.LocalDatabase.LocalPostgresCluster.StartAsync(data).GetAwaiter().GetResult().StopAsync().GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
