using Ccd.Runtime.Testing;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Database;
using Ccd.Runtime.Tests.Writing;
using Ccd.Runtime.Tests.Support;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Workers;

/// <summary>
/// Behind Debian's PgBouncer in transaction mode with no direct connection configured (only the owner's migration
/// URL, which serve never listens on): LISTEN/NOTIFY cannot go through the pool, so the start-up line says the
/// workers poll, nothing listens, and submissions made through the pool are still indexed and published.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class PollingBehindPgBouncerTests(PostgresServer postgres, AmqpBroker broker) : IAsyncLifetime
{
    private const int Cases = 5;
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);
    private PgBouncer _bouncer = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _bouncer = await PgBouncer.StartAsync(Path.Combine(postgres.Directory, $"bouncer-{Guid.NewGuid():N}"), postgres.Port, postgres.Password);

    public async ValueTask DisposeAsync() => await _bouncer.DisposeAsync();

    [Fact]
    public async Task without_a_direct_connection_the_start_up_line_says_the_workers_poll_and_changes_are_still_indexed_and_published()
    {
        // The PgBouncer pass of scripts/test.sh gives every service of the run a direct port; this test is about having none.
        Assert.SkipWhen(postgres.ThroughPgBouncer, "the PgBouncer pass configures a direct connection for every service");
        var direct = await postgres.CreateDatabaseAsync(TestSchema.Migrations);
        var pooled = new NpgsqlConnectionStringBuilder(direct) { Port = _bouncer.Port };
        await using var fake = await FakeElasticsearch.StartAsync();
        var queue = broker.NextQueue();
        var settings = TestService.BlobTypeConfiguration();
        settings["Ccd:Database:TransactionPooling"] = "true";
        settings["TEST_MIGRATION_DATABASE_URL"] = direct;
        settings["Ccd:Elasticsearch:Url"] = fake.Url.ToString();
        settings["Ccd:Elasticsearch:PollSeconds"] = "1";
        settings["Ccd:Publishing:Address"] = broker.Url;
        settings["Ccd:Publishing:Entity"] = queue;
        settings["Ccd:Publishing:PollInterval"] = "00:00:01";
        settings["Logging:LogLevel:Ccd.Runtime.Database"] = "Information";
        var logs = new LogLines();
        await using var app = await TestServiceApp.StartAsync(TestService.Definition, pooled.ConnectionString, settings, services => services.AddSingleton<ILoggerProvider>(logs));
        await using var dataSource = NpgsqlDataSource.Create(direct);

        // Said at start-up, and so: no listening connection, the service's sessions go through the pool.
        Assert.Contains(logs.Lines, line => line.Contains("through a transaction pool", StringComparison.Ordinal)
            && line.Contains("no direct connection configured, so LISTEN/NOTIFY is off and the workers poll", StringComparison.Ordinal));
        Assert.Null(app.Services.GetRequiredService<ListenDataSource>().DataSource);
        Assert.Equal(_bouncer.Port, new NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString).Port);

        using var ccd = new CcdDataStoreClient(app.CreateCcdClient());
        var references = new List<long>();
        for (var i = 0; i < Cases; i++)
        {
            var reference = Payloads.NewReference();
            var created = await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = $"n{i}", ["count"] = i }));
            Assert.Equal(HttpStatusCode.Created, created.Status);
            references.Add(reference);
        }

        // Indexed and published by polling alone.
        await fake.WaitForAsync(f => f.Documents("ft_blob_cases").Count == Cases, Ceiling, "every case indexed");
        await using var consumer = await BrokerConsumer.OpenAsync(broker.Url, queue);
        var received = await consumer.ReceiveAsync(Cases, TimeSpan.FromSeconds(2), Ceiling);
        Assert.Equal(references.Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(),
            received.Select(m => JsonNode.Parse(ReceivedMessage.Body(m))!["CaseId"]!.GetValue<string>()).Order());
        await using (var listening = dataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'"))
        {
            Assert.Equal(0L, (long)(await listening.ExecuteScalarAsync(Token))!);
        }

        var clients = await _bouncer.AdminAsync("SHOW CLIENTS");
        var serving = new NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
        Assert.Contains(clients, row => row.Contains($"|{serving.Username}|{pooled.Database}|", StringComparison.Ordinal));
    }

    private sealed class LogLines : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => _lines.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(_lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
