using System.Diagnostics;
using Ccd.Testing;
using Npgsql;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.Crash;

/// <summary>
/// The service process is killed with SIGKILL several times under a mixed load from CCD-like clients and restarted;
/// afterwards the database proves nothing acknowledged was lost or doubled (see <see cref="InvariantChecker"/>).
/// </summary>
public sealed class CrashTests(PostgresServer postgres)
{
    [Fact]
    public async Task killing_the_service_repeatedly_under_load_loses_nothing_acknowledged_and_doubles_nothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var operations = RunSize.CrashOperations;
        var kills = RunSize.Kills;
        var database = await postgres.CreateDatabaseAsync();
        var environment = ServiceBinary.Environment(database);
        var port = ServiceProcess.FreePort();
        var service = await ServiceBinary.StartAsync(environment, port);
        var address = service.BaseAddress;
        var log = new OperationLog();
        var clock = Stopwatch.StartNew();
        try
        {
            var run = new Workload(log, operations, clients: 8, _ => address).RunAsync(cancellationToken);
            for (var kill = 1; kill <= kills; kill++)
            {
                await WaitUntilAsync(() => log.Completed >= operations * kill / (kills + 1) || run.IsCompleted, TimeSpan.FromMinutes(30));
                Assert.False(run.IsCompleted, $"the load ended before kill {kill}: {log.Summary()}");
                service.Kill();
                await service.DisposeAsync();
                service = await ServiceBinary.StartAsync(environment, port);
            }

            await run;
        }
        finally
        {
            await service.DisposeAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(database);
        var (violations, figures) = await InvariantChecker.CheckAsync(dataSource, log);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"crash test: {kills} kills in {clock.Elapsed.TotalSeconds:F0} s; {log.Summary()}; store: {figures}");
        Assert.False(log.Statuses.ContainsKey(500), log.Summary());
        Assert.True(violations.Count == 0, string.Join("\n", violations.Take(50)));
        Assert.True(figures.Events > 0 && figures.IncrementsApplied > 0, figures.ToString());
    }

    /// <summary>Waits for the load to reach a point; the ceiling only guards against a hang.</summary>
    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan ceiling)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > ceiling)
            {
                throw new TimeoutException("The load did not progress in time.");
            }

            await Task.Delay(50);
        }
    }
}
