using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.SearchIndexing;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

public sealed class HealthAndMetricsTests(PostgresServer postgres)
{
    [Fact]
    public async Task without_a_url_indexing_is_off_says_so_at_start_up_and_readiness_stays_healthy_with_work_queued()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new CaseWriter(dataSource).CreateAsync(CaseWriter.Reference(1), id: 1, new JsonObject());
        var logs = new CapturingLoggerProvider();

        await using var app = await IndexingTestHost.StartAsync(connectionString, fake: null,
            new Dictionary<string, string?> { ["Logging:LogLevel:Ccd.Runtime.SearchIndexing"] = "Information" },
            s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = app.CreateClient();
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), service => service is SearchIndexingWorker);
        await IndexingTestHost.WaitUntilAsync(() => Task.FromResult(logs.Messages.Any(m => m.Contains("Search indexing is off: Ccd:Elasticsearch:Url is not set", StringComparison.Ordinal))), "the start-up line");
        Assert.Equal(1, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_queue"));
    }

    [Fact]
    public async Task readiness_is_degraded_but_200_when_the_oldest_queued_change_is_older_than_the_threshold()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        // Elasticsearch takes the request and does not answer (yet): the loop runs, waiting, and the queue ages.
        fake.SlowDelay = TimeSpan.FromMinutes(10);
        fake.Faults = _ => FakeFault.Slow;
        await new CaseWriter(dataSource).CreateAsync(CaseWriter.Reference(1), id: 1, new JsonObject());
        await using (var age = dataSource.CreateCommand("UPDATE ccd.es_queue SET enqueued_at = enqueued_at - interval '10 minutes'"))
        {
            await age.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var app = await IndexingTestHost.StartAsync(connectionString, fake, new Dictionary<string, string?>
        {
            ["Ccd:Elasticsearch:DegradedAfterSeconds"] = "60",
            ["Ccd:Elasticsearch:RequestTimeoutSeconds"] = "600",
            ["Ccd:Elasticsearch:LeaseSeconds"] = "900",
        });
        await fake.WaitForAsync(f => f.Requests.Count >= 1, IndexingTestHost.Ceiling, "the indexer's request");
        using var client = app.CreateClient();
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task indexed_documents_failures_and_dead_letters_are_counted_and_the_queue_is_sampled()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        fake.Poison = (_, id, _) => id == "2";
        var failOnce = 1;
        fake.Faults = _ => Interlocked.Exchange(ref failOnce, 0) == 1 ? FakeFault.TooManyRequests : FakeFault.None;
        var writer = new CaseWriter(dataSource);
        await writer.CreateAsync(CaseWriter.Reference(1), id: 1, new JsonObject());
        await writer.CreateAsync(CaseWriter.Reference(2), id: 2, new JsonObject());
        var measured = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Ccd.Runtime" && instrument.Name.StartsWith("ccd.search.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.Start();

        await using var app = await IndexingTestHost.StartAsync(connectionString, fake);
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);

        // The counters are added after the batch's completion commits, so the queue can be empty a moment before.
        await IndexingTestHost.WaitUntilAsync(() => Task.FromResult(
            measured.GetValueOrDefault("ccd.search.documents.indexed") >= 1
            && measured.GetValueOrDefault("ccd.search.failures") >= 2
            && measured.GetValueOrDefault("ccd.search.dead_letters") >= 1), "the indexed, failure and dead-letter counters");
        var sample = await QueueStatistics.ReadAsync(dataSource, TimeProvider.System, TestContext.Current.CancellationToken);
        Assert.Equal(0, sample.Depth);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
