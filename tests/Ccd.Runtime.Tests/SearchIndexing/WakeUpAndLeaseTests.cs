using System.Text.Json.Nodes;
using Ccd.Runtime.SearchIndexing;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

public sealed class WakeUpAndLeaseTests(PostgresServer postgres)
{
    [Fact]
    public async Task with_a_fallback_poll_of_ten_minutes_a_change_is_indexed_within_seconds_by_notification()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        await using var app = await IndexingTestHost.StartAsync(connectionString, fake, new Dictionary<string, string?> { ["Ccd:Elasticsearch:PollSeconds"] = "600" });
        var indexer = app.Services.GetRequiredService<SearchIndexer>();
        await IndexingTestHost.WaitUntilAsync(() => Task.FromResult(indexer.CompletedPasses >= 1), "the indexer looked at the empty queue");

        var started = DateTime.UtcNow;
        await new CaseWriter(dataSource).CreateAsync(CaseWriter.Reference(1), id: 1, new JsonObject { ["a"] = 1 });

        await fake.WaitForAsync(f => f.Get("a58_cases", "1") is not null, TimeSpan.FromSeconds(10), "indexed by the notification");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task the_listener_reconnects_after_its_connection_is_killed_and_notifications_wake_the_indexer_again()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        await using var app = await IndexingTestHost.StartAsync(connectionString, fake, new Dictionary<string, string?> { ["Ccd:Elasticsearch:PollSeconds"] = "600" });
        await IndexingTestHost.WaitUntilAsync(async () => await ListenersAsync(dataSource) == 1, "the indexer listens");

        await using (var kill = dataSource.CreateCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN ccd_es_queue%' AND datname = current_database()"))
        {
            await kill.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await IndexingTestHost.WaitUntilAsync(async () => await ListenersAsync(dataSource) == 1, "the indexer listens again");
        await new CaseWriter(dataSource).CreateAsync(CaseWriter.Reference(2), id: 2, new JsonObject { ["a"] = 1 });

        await fake.WaitForAsync(f => f.Get("a58_cases", "2") is not null, TimeSpan.FromSeconds(10), "indexed by the notification after reconnecting");
    }

    [Fact]
    public async Task work_claimed_by_an_indexer_that_stopped_mid_batch_is_taken_by_another_after_the_lease()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // The fake stamps what it receives with the same clock, so the test can tell when, in that time, work arrived.
        await using var fake = await FakeElasticsearch.StartAsync(clock);
        await new CaseWriter(dataSource, clock).CreateAsync(CaseWriter.Reference(1), id: 1, new JsonObject { ["a"] = 1 });
        // The first indexer claims the case and is never heard of again: its lease is held, its work not completed.
        var now = DateTime.SpecifyKind(clock.GetUtcNow().UtcDateTime, DateTimeKind.Unspecified);
        var leaseEnd = clock.GetUtcNow().AddSeconds(30);
        var crashed = await IndexQueue.ClaimAsync(dataSource, Guid.NewGuid(), now, now.AddSeconds(30), 10, TestContext.Current.CancellationToken);
        Assert.Single(crashed);

        await using var app = await IndexingTestHost.StartAsync(connectionString, fake,
            new Dictionary<string, string?> { ["Ccd:Elasticsearch:LeaseSeconds"] = "30", ["Ccd:Elasticsearch:PollSeconds"] = "600" },
            services => services.AddSingleton<TimeProvider>(clock));
        clock.Advance(TimeSpan.FromSeconds(29));
        await new CaseWriter(dataSource, clock).CreateAsync(CaseWriter.Reference(2), id: 2, new JsonObject { ["a"] = 2 });
        await fake.WaitForAsync(f => f.Get("a58_cases", "2") is not null, IndexingTestHost.Ceiling, "a case that nobody holds is indexed");
        Assert.Null(fake.Get("a58_cases", "1"));

        // Time moves on a second at a time (the indexer sleeps on this clock until the lease ends).
        for (var step = 0; step < 120 && !await fake.TryWaitForAsync(f => f.Get("a58_cases", "1") is not null, TimeSpan.FromMilliseconds(250)); step++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var taken = Assert.Single(fake.Items, item => item.Id == "1");
        Assert.True(taken.ReceivedAt >= leaseEnd, $"taken at {taken.ReceivedAt:O}, before the lease ended at {leaseEnd:O}");
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);
    }

    private static Task<long> ListenersAsync(NpgsqlDataSource dataSource) =>
        IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN ccd_es_queue%' AND datname = current_database()");
}
