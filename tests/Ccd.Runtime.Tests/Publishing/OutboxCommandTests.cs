using Ccd.Runtime.Commands;
using System.Globalization;
using System.Text.RegularExpressions;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Tests.Support;
using Ccd.Testing;
using Npgsql;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Publishing;

/// <summary><c>outbox parked|retry|skip</c> through the host's command line, and the parked gauges on <c>/metrics</c>.</summary>
[Collection(BrokerCollection.Name)]
public sealed partial class OutboxCommandTests(PostgresServer postgres, AmqpBroker broker)
{
    private static readonly CcdServiceDefinition Host = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = _ => { },
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task outbox_commands_on_the_command_line_list_skip_and_retry_parked_messages_and_refuse_others()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await OutboxSeed.InsertAsync(dataSource, count: 3, cases: 1);
        await StoreSeed.ExecuteAsync(dataSource, """
            UPDATE ccd.message_queue_candidates SET parked_at = '2026-03-01 09:00', parked_reason = 'refused by the broker: amqp:not-allowed', send_failures = 1
            WHERE id IN (SELECT min(id) FROM ccd.message_queue_candidates)
            """);
        var ids = await IdsAsync(dataSource);
        string[] environment = ["--APP_ENV=TEST", $"--TEST_DATABASE_URL={connectionString}", $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}"];
        string Id(int i) => ids[i].ToString(CultureInfo.InvariantCulture);

        var listed = await Host.RunAsync(["outbox", "parked", .. environment]);
        var skipWithoutReason = await Host.RunAsync(["outbox", "skip", Id(0), .. environment]);
        var retryNotParked = await Host.RunAsync(["outbox", "retry", Id(1), .. environment]);
        var skipped = await Host.RunAsync(["outbox", "skip", Id(0), "--reason", "sent by hand", "--by", "ops-jane", .. environment]);
        var retrySkipped = await Host.RunAsync(["outbox", "retry", Id(0), .. environment]);
        var retryUnknown = await Host.RunAsync(["outbox", "retry", "999999", .. environment]);

        Assert.Equal((0, 0, 1, 1, 1), (listed, skipped, retryNotParked, retrySkipped, retryUnknown));
        Assert.NotEqual(0, skipWithoutReason);
        await using var command = dataSource.CreateCommand($"SELECT skipped_by, skip_reason, published IS NOT NULL, parked_at IS NOT NULL FROM ccd.message_queue_candidates WHERE id = {ids[0]}");
        await using var reader = await command.ExecuteReaderAsync(Token);
        Assert.True(await reader.ReadAsync(Token));
        Assert.Equal(("ops-jane", "sent by hand", true, true), (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3)));
    }

    [Fact]
    public async Task the_metrics_endpoint_shows_the_parked_and_held_gauges_and_the_parks_counter()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await OutboxSeed.InsertAsync(dataSource, count: 3, cases: 1);
        await StoreSeed.ExecuteAsync(dataSource, """
            UPDATE ccd.message_queue_candidates SET parked_at = '2026-03-01 09:00', parked_reason = 'refused by the broker'
            WHERE id IN (SELECT min(id) FROM ccd.message_queue_candidates)
            """);
        await OutboxSeed.InsertAsync(dataSource, count: 1, cases: 1, firstEventInstanceId: 100);
        await StoreSeed.ExecuteAsync(dataSource, $"UPDATE ccd.message_queue_candidates SET reference = {OutboxSeed.FirstReference + 1} WHERE (message_information ->> 'EventInstanceId')::bigint = 100");
        await using var app = await TestServiceApp.StartAsync(Host, connectionString, new Dictionary<string, string?>
        {
            ["Ccd:Publishing:Address"] = broker.Url,
            ["Ccd:Publishing:Entity"] = broker.NextQueue(),
            ["Ccd:Publishing:PollInterval"] = "00:00:00.100",
            ["Ccd:Publishing:StatusRefreshInterval"] = "00:00:00.100",
            ["Ccd:Telemetry:PrometheusEnabled"] = "true",
        });
        using var client = app.CreateClient();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string scraped;
        while (true)
        {
            scraped = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token);
            if (Value(scraped, "ccd_publishing_parked") == 1 && Value(scraped, "ccd_publishing_held") == 2 && Value(scraped, "ccd_publishing_unsent") == 0
                && scraped.Contains("ccd_publishing_parks_total", StringComparison.Ordinal))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, scraped);
            await Task.Delay(100, Token);
        }

        Assert.Matches(WorkerDownLine(), scraped);
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Token);
        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync(Token));
    }

    private static async Task<List<long>> IdsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM ccd.message_queue_candidates ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(Token);
        var ids = new List<long>();
        while (await reader.ReadAsync(Token))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    // The value of an unlabelled series (any labels the exporter adds are allowed).
    private static double? Value(string scraped, string name) =>
        Regex.Match(scraped, $@"^{name}(?:\{{[^}}]*\}})? ([0-9.eE+-]+)", RegexOptions.Multiline) is { Success: true } match
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex("""^ccd_worker_down\{[^}]*loop="outbox-publisher"[^}]*\} 0""", RegexOptions.Multiline)]
    private static partial Regex WorkerDownLine();
}
