using Ccd.Runtime.LocalDatabase;
using Ccd.Testing;
using Npgsql;
using Reliability.Tests.Crash;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.Outage;

/// <summary>
/// PostgreSQL is stopped and started again (same port) while CCD-like clients keep submitting to the real service:
/// 503 with Retry-After while it is down, never a 500, nothing partial, and the same process serves again after.
/// </summary>
public sealed class DatabaseOutageUnderLoadTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ccd-reliab-outage-{Guid.NewGuid():N}"[..32]);
    private LocalPostgresCluster? _cluster;

    public async ValueTask InitializeAsync() =>
        _cluster = await LocalPostgresCluster.StartAsync(Path.Combine(_directory, "data"), throwaway: true);

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task a_database_outage_under_load_answers_503_with_retry_after_writes_nothing_partial_and_recovers_without_a_restart()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await _cluster!.EnsureDatabaseAsync("reliab", cancellationToken);
        var connectionString = _cluster.ConnectionString("reliab");
        var operations = RunSize.LoadOperations;
        await using var service = await ServiceBinary.StartAsync(ServiceBinary.Environment(connectionString, new Dictionary<string, string?>
        {
            ["Ccd__Database__ConnectTimeoutSeconds"] = "2",
            ["Ccd__Database__CommandTimeoutSeconds"] = "2",
        }), ServiceProcess.FreePort());
        var log = new OperationLog();
        var run = new Workload(log, operations, clients: 6, _ => service.BaseAddress).RunAsync(cancellationToken);

        await CrashTests.WaitUntilAsync(() => log.Completed >= operations / 3, TimeSpan.FromMinutes(5));
        var port = _cluster.Port;
        await _cluster.StopAsync();
        var unavailableBefore = log.Statuses.GetValueOrDefault(503);
        await CrashTests.WaitUntilAsync(() => log.Statuses.GetValueOrDefault(503) >= unavailableBefore + 20 || run.IsCompleted, TimeSpan.FromMinutes(2));
        _cluster = await LocalPostgresCluster.StartAsync(Path.Combine(_directory, "data"), throwaway: true, port: port, cancellationToken: cancellationToken);
        var acknowledgedAtRecovery = log.Operations.Count(o => o.Outcome == Outcome.Acknowledged);
        await run;

        Assert.False(service.HasExited, "the service stopped during the outage");
        Assert.True(log.Statuses.GetValueOrDefault(503) > unavailableBefore, $"no 503 while the database was down: {log.Summary()}");
        Assert.False(log.Statuses.ContainsKey(500), log.Summary());
        Assert.True(log.UnavailableWithoutRetryAfter.IsEmpty, string.Join("\n", log.UnavailableWithoutRetryAfter.Take(5)));
        Assert.True(log.Operations.Count(o => o.Outcome == Outcome.Acknowledged) > acknowledgedAtRecovery + 50, $"the service did not recover: {log.Summary()}");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var (violations, figures) = await InvariantChecker.CheckAsync(dataSource, log);
        TestContext.Current.TestOutputHelper?.WriteLine($"outage test: {log.Summary()}; store: {figures}");
        Assert.True(violations.Count == 0, string.Join("\n", violations.Take(50)));
    }
}
