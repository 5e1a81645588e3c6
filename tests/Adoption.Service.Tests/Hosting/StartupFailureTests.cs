using System.Net;
using System.Net.Sockets;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>Bad configuration or an unusable database stops start-up within 10 s with one clear line, never the password.</summary>
/// <remarks>Runs alone (not beside other test classes) so the 10 s ceiling measures the service, not a busy machine.</remarks>
[Collection(nameof(StartupTiming))]
public sealed class StartupFailureTests(PostgresServer postgres)
{
    private const string Password = "Sup3r-S3cret-Pw";
    // A liveness ceiling, not a speed check: start-up must end (the connect timeout is 5 s) rather than hang, and a
    // loaded CI machine can take several seconds just to start the process.
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string, string> BadConfigurations() => new()
    {
        { "BOGUS", "", "APP_ENV is 'BOGUS'" },
        { "PROD", "", "PROD_DATABASE_URL is not set" },
        { "PROD", "postgres://user:" + Password + "@/", "PROD_DATABASE_URL is not a valid" },
        { "PROD", "Host=127.0.0.1;Port=notaport;Password=" + Password, "PROD_DATABASE_URL is not a valid" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public async Task bad_configuration_stops_start_up_naming_the_variable(string appEnv, string url, string expected)
    {
        var environment = new Dictionary<string, string?> { ["APP_ENV"] = appEnv };
        if (url.Length > 0)
        {
            environment["PROD_DATABASE_URL"] = url;
        }

        var (exitCode, output, elapsed) = await ServiceBinary.RunAsync(environment, Ceiling);

        AssertFailedClearly(exitCode, output, elapsed, expected);
    }

    [Fact]
    public async Task a_wrong_password_stops_start_up_naming_the_credentials()
    {
        var builder = new NpgsqlConnectionStringBuilder(await postgres.CreateEmptyDatabaseAsync());
        await RequirePasswordForAsync("pwuser", "the-right-one");
        builder.Username = "pwuser";
        builder.Password = Password;

        var (exitCode, output, elapsed) = await ServiceBinary.RunAsync(Prod(builder.ConnectionString), Ceiling);

        AssertFailedClearly(exitCode, output, elapsed, "refused the credentials");
    }

    [Fact]
    public async Task a_refused_port_stops_start_up_saying_it_could_not_be_reached()
    {
        var port = ServiceProcess.FreePort(); // nothing listens there

        var (exitCode, output, elapsed) = await ServiceBinary.RunAsync(Prod($"postgres://app:{Password}@127.0.0.1:{port}/cases"), Ceiling);

        AssertFailedClearly(exitCode, output, elapsed, "could not be reached");
    }

    [Fact]
    public async Task a_host_that_accepts_but_never_answers_stops_start_up_within_the_ceiling()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        var acceptLoop = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await silent.AcceptSocketAsync());
            }
        }, TestContext.Current.CancellationToken);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var (exitCode, output, elapsed) = await ServiceBinary.RunAsync(Prod($"postgres://app:{Password}@127.0.0.1:{port}/cases"), Ceiling);

        AssertFailedClearly(exitCode, output, elapsed, "did not answer");
        silent.Stop();
        accepted.ForEach(socket => socket.Dispose());
        _ = acceptLoop;
    }

    [Fact]
    public async Task local_without_server_binaries_stops_start_up_naming_the_install_script()
    {
        var folder = Directory.CreateTempSubdirectory("ccd-no-pg-").FullName;
        try
        {
            // The service installs nothing itself: with no binaries where PG_BIN_DIR points, it says which script to run.
            var environment = new Dictionary<string, string?>
            {
                ["APP_ENV"] = "LOCAL",
                ["LOCAL_DATA_DIR"] = Path.Combine(folder, "data"),
                ["PG_BIN_DIR"] = folder,
            };

            var (exitCode, output, elapsed) = await ServiceBinary.RunAsync(environment, Ceiling);

            AssertFailedClearly(exitCode, output, elapsed, "run scripts/install-prerequisites.sh serve");
            Assert.Equal(2, exitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("migrate")]
    public async Task a_bad_option_stops_start_up_with_one_line_naming_the_key(string command)
    {
        var environment = Prod($"postgres://app:{Password}@127.0.0.1:{ServiceProcess.FreePort()}/cases");
        environment["Ccd__Database__MaxPoolSize"] = "0";

        var (exitCode, output, elapsed) = await ServiceBinary.RunAsync(environment, Ceiling, command);

        AssertFailedClearly(exitCode, output, elapsed, "error: Ccd:Database:MaxPoolSize must be between 1 and 1000.");
        Assert.Equal(2, exitCode);
        Assert.DoesNotContain("could not be reached", output, StringComparison.Ordinal); // stopped before connecting
    }

    [Fact]
    public async Task a_declaration_mistake_stops_start_up_with_exactly_one_line()
    {
        // Declaring A58 in configuration as well as in the service's code is a case type declared twice.
        var environment = Prod($"postgres://app:{Password}@127.0.0.1:{ServiceProcess.FreePort()}/cases");
        environment["Ccd__CaseTypes__0__Id"] = "A58";
        environment["Ccd__CaseTypes__0__Jurisdiction"] = "ADOPTION";

        var (exitCode, output, elapsed) = await ServiceBinary.RunAsync(environment, Ceiling);

        AssertFailedClearly(exitCode, output, elapsed, "Case type A58 is declared twice");
        Assert.Equal(2, exitCode);
        Assert.Equal("error: Case type A58 is declared twice (in code or in Ccd:CaseTypes); declare it once.", output.Trim());
    }

    private static Dictionary<string, string?> Prod(string url) => new() { ["APP_ENV"] = "PROD", ["PROD_DATABASE_URL"] = url };

    private static void AssertFailedClearly(int exitCode, string output, TimeSpan elapsed, string expected)
    {
        Assert.True(exitCode != int.MinValue, $"still running after {Ceiling}:\n{output}");
        Assert.NotEqual(0, exitCode);
        Assert.True(elapsed < Ceiling, $"took {elapsed}");
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // one line, not a stack trace
    }

    private async Task RequirePasswordForAsync(string role, string password)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using (var create = new NpgsqlCommand($"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN PASSWORD '{password}'; END IF; END $$", connection))
        {
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var hba = new NpgsqlCommand("SHOW hba_file", connection);
        var path = (string)(await hba.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        var rule = $"host all {role} 127.0.0.1/32 scram-sha-256";
        var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
        if (!lines.Contains(rule))
        {
            // Rules are matched top down, so the password rule goes before the cluster's "trust" lines.
            await File.WriteAllLinesAsync(path, [rule, .. lines], TestContext.Current.CancellationToken);
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
            await reload.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>Test classes that measure a process's start-up time run with nothing else beside them.</summary>
[CollectionDefinition(nameof(StartupTiming), DisableParallelization = true)]
public sealed class StartupTiming;
