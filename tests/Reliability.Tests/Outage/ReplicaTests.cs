using Ccd.Testing;
using Npgsql;
using Reliability.Tests.Crash;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.Outage;

/// <summary>
/// Three service processes on one database, clients spread over them, some creates sent to two replicas at once with
/// the same key: the crash test's invariants hold, and every event is queued for indexing and publishing exactly once.
/// </summary>
public sealed class ReplicaTests(PostgresServer postgres)
{
    [Fact]
    public async Task three_replicas_on_one_database_keep_every_invariant_and_queue_each_event_once()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync();
        var environment = ServiceBinary.Environment(database);
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ServiceBinary.StartAsync(environment, ServiceProcess.FreePort())));
        var log = new OperationLog();
        try
        {
            await new Workload(log, RunSize.LoadOperations, clients: 9, client => replicas[client % 3].BaseAddress, duplicates: true).RunAsync(cancellationToken);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }

        await using var dataSource = NpgsqlDataSource.Create(database);
        var (violations, figures) = await InvariantChecker.CheckAsync(dataSource, log);
        TestContext.Current.TestOutputHelper?.WriteLine($"replica test: {log.Summary()}; store: {figures}");
        Assert.False(log.Statuses.Keys.Any(status => status >= 500), log.Summary());
        Assert.True(violations.Count == 0, string.Join("\n", violations.Take(50)));
        Assert.Equal(figures.Cases, await CountAsync(dataSource, "SELECT count(*) FROM ccd.es_queue"));
        Assert.True(log.Operations.GroupBy(o => o.Key).Any(g => g.Count() == 2 && g.All(o => o.Outcome == Outcome.Acknowledged)), "no duplicate create reached two replicas");
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
