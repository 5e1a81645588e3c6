using Ccd.Runtime.Commands;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Publishing;
using Ccd.Runtime.Tests.Support;
using Ccd.Testing;
using Npgsql;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Publishing;

[Collection(BrokerCollection.Name)]
public sealed class PublishingTests(PostgresServer postgres, AmqpBroker broker)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly CcdServiceDefinition RuntimeOnly = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = _ => { },
    };

    private Dictionary<string, string?> PublishingConfiguration(string queue, string? address = null) => new()
    {
        ["Ccd:Publishing:Address"] = address ?? broker.Url,
        ["Ccd:Publishing:Entity"] = queue,
        ["Ccd:Publishing:PollInterval"] = "00:00:00.100",
        ["Ccd:Publishing:SendTimeout"] = "00:00:10",
    };

    private static async Task<Dictionary<long, (JsonElement Information, bool Published)>> RowsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT (message_information ->> 'EventInstanceId')::bigint, message_information::text, published IS NOT NULL FROM ccd.message_queue_candidates");
        await using var reader = await command.ExecuteReaderAsync(Token);
        var rows = new Dictionary<long, (JsonElement, bool)>();
        while (await reader.ReadAsync(Token))
        {
            rows[reader.GetInt64(0)] = (JsonDocument.Parse(reader.GetString(1)).RootElement.Clone(), reader.GetBoolean(2));
        }

        return rows;
    }

    [Fact]
    public async Task a_consumer_receives_each_message_once_with_the_json_body_and_the_properties_and_the_row_is_marked_published()
    {
        var queue = broker.NextQueue();
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await OutboxSeed.InsertAsync(dataSource, count: 3, cases: 2);
        long sent = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Ccd.Runtime" && instrument.Name == "ccd.publishing.sent")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref sent, value));
        listener.Start();

        await using (var app = await TestServiceApp.StartAsync(RuntimeOnly, connectionString, PublishingConfiguration(queue)))
        await using (var consumer = await BrokerConsumer.OpenAsync(broker.Url, queue))
        {
            var received = await consumer.ReceiveAsync(3, Quiet, Ceiling);
            await TestPublishers.WaitUntilAllPublishedAsync(dataSource, Ceiling);
            var rows = await RowsAsync(dataSource);

            Assert.Equal(3, received.Count);
            foreach (var message in received)
            {
                using var body = JsonDocument.Parse(ReceivedMessage.Body(message));
                var eventInstanceId = body.RootElement.GetProperty("EventInstanceId").GetInt64();
                var row = rows[eventInstanceId];
                var caseId = row.Information.GetProperty("CaseId").GetString();
                Assert.True(JsonElement.DeepEquals(row.Information, body.RootElement));
                Assert.True(row.Published);
                Assert.Equal("application/json", ReceivedMessage.Properties(message).ContentType.ToString());
                Assert.Equal(caseId, ReceivedMessage.Properties(message).GroupId);
                Assert.Equal(eventInstanceId.ToString(System.Globalization.CultureInfo.InvariantCulture), ReceivedMessage.Properties(message).MessageId);
                Assert.Equal("ADOPTION", ReceivedMessage.Property(message, "jurisdiction_id"));
                Assert.Equal("A58", ReceivedMessage.Property(message, "case_type_id"));
                Assert.Equal(caseId, ReceivedMessage.Property(message, "case_id"));
                Assert.Equal("updateCase", ReceivedMessage.Property(message, "event_id"));
            }

            Assert.Equal([1L, 2L, 3L], received.Select(m => JsonDocument.Parse(ReceivedMessage.Body(m)).RootElement.GetProperty("EventInstanceId").GetInt64()).Order());
            Assert.Equal(3, Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<PublishingMetrics>(app.Services).SentTotal);
        }

        // The counter is process-wide and other tests publish at the same time: the service's own count is exact, the
        // shared counter only moved.
        Assert.True(Interlocked.Read(ref sent) >= 3, "ccd.publishing.sent did not move");
    }

    [Fact]
    public async Task a_crash_between_send_and_mark_leaves_the_row_unsent_so_the_event_is_sent_again()
    {
        var queue = broker.NextQueue();
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await OutboxSeed.InsertAsync(dataSource, count: 1, cases: 1, firstEventInstanceId: 7);
        var options = TestPublishers.Options(broker.Url, queue);

        // A publisher that dies after the broker accepted the message and before its mark committed: its
        // database session ends without a commit (as when the process is killed), so the claim rolls back.
        await using (var dyingSender = TestPublishers.Sender(options))
        await using (var connection = await dataSource.OpenConnectionAsync(Token))
        {
            var transaction = await connection.BeginTransactionAsync(Token);
            var claimed = await OutboxStore.ClaimAsync(transaction, options.BatchSize, Token);
            var sent = await dyingSender.SendAsync(claimed, Token);
            Assert.Equal([claimed[0].Id], sent.Accepted);
        }

        var unsentAfterCrash = await TestPublishers.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL");
        var publisher = TestPublishers.Create(dataSource, options);
        var retried = await publisher.PublishBatchAsync(Token);
        await using var consumer = await BrokerConsumer.OpenAsync(broker.Url, queue);
        var received = await consumer.ReceiveAsync(2, Quiet, Ceiling);

        Assert.Equal(1, unsentAfterCrash);
        Assert.Equal(new BatchResult(1, 1, null), retried);
        // At least once: the same event twice, recognisable by its EventInstanceId (consumers de-duplicate on it).
        Assert.Equal([7L, 7L], received.Select(m => JsonDocument.Parse(ReceivedMessage.Body(m)).RootElement.GetProperty("EventInstanceId").GetInt64()));
        Assert.Equal(0, await TestPublishers.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL"));
    }

    [Fact]
    public async Task start_up_fails_fast_when_the_broker_refuses_the_credentials()
    {
        var queue = broker.NextQueue();
        var connectionString = await postgres.CreateDatabaseAsync();
        var wrongPassword = broker.Url.Replace("guest:guest@", "guest:not-the-password@", StringComparison.Ordinal);

        var refusal = await Assert.ThrowsAsync<CcdStartupException>(
            async () => await TestServiceApp.StartAsync(RuntimeOnly, connectionString, PublishingConfiguration(queue, wrongPassword)));

        Assert.Contains("refused the credentials", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", refusal.Message, StringComparison.Ordinal);
    }
}
