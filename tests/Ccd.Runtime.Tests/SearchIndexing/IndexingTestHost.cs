using Ccd.Runtime.Commands;
using Ccd.Runtime.Hosting;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.SearchIndexing;

/// <summary>A bare service on the runtime (no case types of its own) with search indexing pointed at a fake Elasticsearch.</summary>
internal static class IndexingTestHost
{
    public static CcdServiceDefinition Definition { get; } = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = _ => { },
    };

    /// <summary>Starts an app whose indexer talks to <paramref name="fake"/> (null: indexing off), with extra <c>Ccd:Elasticsearch</c> settings.</summary>
    public static Task<TestServiceApp> StartAsync(
        string connectionString,
        FakeElasticsearch? fake,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            // Fast defaults for tests; each test overrides what it is about.
            ["Ccd:Elasticsearch:PollSeconds"] = "60",
            ["Ccd:Elasticsearch:BackoffBaseMilliseconds"] = "200",
            ["Ccd:Elasticsearch:BackoffMaxSeconds"] = "2",
            ["Ccd:Elasticsearch:RequestTimeoutSeconds"] = "5",
            ["Ccd:Elasticsearch:LeaseSeconds"] = "30",
            ["Ccd:Elasticsearch:TransportRetries"] = "0",
            ["Logging:LogLevel:Npgsql"] = "Warning",
        };
        if (fake is not null)
        {
            configuration["Ccd:Elasticsearch:Url"] = fake.Url.ToString();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        return TestServiceApp.StartAsync(Definition, connectionString, configuration, services);
    }

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Re-checks <paramref name="condition"/> every 50 ms until it holds; fails after the liveness <paramref name="ceiling"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? ceiling = null)
    {
        var deadline = DateTime.UtcNow + (ceiling ?? Ceiling);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within the ceiling: {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static Task WaitForEmptyQueueAsync(NpgsqlDataSource dataSource) =>
        WaitUntilAsync(async () => await ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_queue") == 0, "the search queue is empty");

    public static TimeSpan Ceiling { get; } = TimeSpan.FromSeconds(60);
}
