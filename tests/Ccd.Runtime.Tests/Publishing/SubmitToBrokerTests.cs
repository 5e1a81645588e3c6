using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Publishing;

/// <summary>From an HTTP submit to the broker: the outbox row the submission writes, and the message the publisher sends.</summary>
[Collection(BrokerCollection.Name)]
public sealed class SubmitToBrokerTests(PostgresServer postgres, AmqpBroker broker)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    private static async Task<List<(JsonObject Information, string MessageType, DateTime TimeStamp, bool Published)>> RowsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT message_information::text, message_type, time_stamp, published IS NOT NULL FROM ccd.message_queue_candidates ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(JsonObject, string, DateTime, bool)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((JsonNode.Parse(reader.GetString(0))!.AsObject(), reader.GetString(1), reader.GetDateTime(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    /// <summary>The service runs on a fake clock, so its publisher's poll pause ends only when the test moves the clock on.</summary>
    private static async Task PublishAllAsync(TestService service)
    {
        var deadline = DateTime.UtcNow + Ceiling;
        while (await service.CountAsync("SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the outbox was not published in time");
            service.Time.Advance(PollInterval);
            await Task.Delay(50, TestContext.Current.CancellationToken); // lets the woken publisher run; the clock does not depend on it
        }
    }

    [Fact]
    public async Task published_events_reach_the_broker_as_their_outbox_rows_and_unpublished_or_rolled_back_events_write_and_send_nothing()
    {
        var queue = broker.NextQueue();
        await using var service = await TestService.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Ccd:Publishing:Address"] = broker.Url,
            ["Ccd:Publishing:Entity"] = queue,
            ["Ccd:Publishing:PollInterval"] = PollInterval.ToString(),
        });
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();

        var created = await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "n1", ["count"] = 7 }));
        var updated = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "n2", ["count"] = 8 }, version: 1, state: "Closed"));
        // An additive event as CCD sends it: built on the case it read, so its change is only the note.
        var unpublished = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "addNote", new JsonObject { ["note"] = "n3", ["count"] = 8 }, version: 2, state: "Closed",
            before: new JsonObject { ["note"] = "n2", ["count"] = 8 }));
        // The test schema's deferred trigger fails the commit of an event whose outbox message publishes note 'explode'.
        var rolledBack = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "explode" }, version: 3, state: "Closed"));
        var rows = await RowsAsync(service.DataSource);
        await PublishAllAsync(service);
        await using var consumer = await BrokerConsumer.OpenAsync(broker.Url, queue);
        var received = await consumer.ReceiveAsync(2, TimeSpan.FromSeconds(2), Ceiling);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.InternalServerError],
            [created.Status, updated.Status, unpublished.Status, rolledBack.Status]);
        Assert.Equal(2, rows.Count); // the unpublished and the rolled-back events wrote none
        Assert.All(rows, row => Assert.Equal("CASE_EVENT", row.MessageType));
        Assert.True(rows[0].TimeStamp < rows[1].TimeStamp, "per case, time_stamp follows commit order");
        var updateEventId = await service.CountAsync("SELECT id FROM ccd.case_event WHERE case_reference = @r AND case_revision = 2", reference);
        var expected = JsonNode.Parse($$"""
            {
              "UserId": "user-1",
              "JurisdictionId": "TEST",
              "CaseTypeId": "FT_Blob",
              "CaseId": "{{reference}}",
              "EventTimeStamp": "2026-03-05T12:34:56.789",
              "EventInstanceId": {{updateEventId}},
              "EventId": "update",
              "PreviousStateId": "Open",
              "NewStateId": "Closed",
              "AdditionalData": {
                "Data": { "note": "n2" },
                "Definition": { "note": { "originalId": "note", "type": "SimpleText", "subtype": "Text", "typeDef": null } }
              }
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, rows[1].Information), rows[1].Information.ToJsonString());

        Assert.Equal(2, received.Count);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(JsonNode.DeepEquals(rows[i].Information, JsonNode.Parse(ReceivedMessage.Body(received[i]))));
            Assert.Equal(reference.ToString(System.Globalization.CultureInfo.InvariantCulture), ReceivedMessage.Properties(received[i]).GroupId);
            Assert.Equal(rows[i].Information["EventId"]!.GetValue<string>(), ReceivedMessage.Property(received[i], "event_id"));
        }

        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL"));
    }
}
