using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class CreateTests(PostgresServer postgres)
{
    private static readonly string[] CaseDetailsFields =
    [
        "id", "jurisdiction", "case_type_id", "state", "version", "security_classification", "case_data", "data_classification",
        "supplementary_data", "created_date", "last_modified", "last_state_modified_date",
        "after_submit_callback_response", "callback_response_status_code", "callback_response_status",
    ];

    private static readonly string[] HistoryEventFields =
    [
        "id", "event_name", "summary", "description", "user_id", "user_first_name", "user_last_name", "created_date",
        "case_type_id", "case_type_version", "state_id", "state_name", "data", "data_classification",
        "security_classification", "significant_item", "proxied_by", "proxied_by_first_name", "proxied_by_last_name",
    ];

    [Fact]
    public async Task a_create_answers_201_with_exactly_the_listed_fields_reads_back_at_revision_1_and_has_one_history_event()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var data = new JsonObject { ["note"] = "hello", ["count"] = 3, ["SearchCriteria"] = new JsonObject() };

        var reply = await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", data,
            supplementary: new JsonObject { ["new_case"] = new JsonObject { ["ORG1"] = true } }));

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        var body = reply.Json.AsObject();
        Assert.Equal(["case_details", "revision", "errors", "warnings", "ignore_warning"], body.Select(p => p.Key));
        Assert.Equal(1, body["revision"]!.GetValue<int>());
        Assert.Empty(body["errors"]!.AsArray());
        Assert.Empty(body["warnings"]!.AsArray());
        Assert.False(body["ignore_warning"]!.GetValue<bool>());
        var details = body["case_details"]!.AsObject();
        Assert.Equal(CaseDetailsFields, details.Select(p => p.Key));
        Assert.Equal(reference, details["id"]!.GetValue<long>());
        Assert.Equal(JsonValueKind.Number, details["id"]!.GetValueKind());
        Assert.Equal("TEST", details["jurisdiction"]!.GetValue<string>());
        Assert.Equal(TestService.BlobType, details["case_type_id"]!.GetValue<string>());
        Assert.Equal("Open", details["state"]!.GetValue<string>());
        Assert.Equal(1, details["version"]!.GetValue<int>());
        Assert.Equal("PUBLIC", details["security_classification"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(data, details["case_data"]));
        Assert.Equal("{}", details["data_classification"]!.ToJsonString());
        Assert.Equal("""{"new_case":{"ORG1":true}}""", details["supplementary_data"]!.ToJsonString());
        Assert.Equal("2026-03-05T12:34:56.789", details["created_date"]!.GetValue<string>());
        Assert.Equal("2026-03-05T12:34:56.789", details["last_modified"]!.GetValue<string>());
        Assert.Equal("2026-03-05T12:34:56.789", details["last_state_modified_date"]!.GetValue<string>());
        Assert.Equal(["confirmation_header", "confirmation_body"], details["after_submit_callback_response"]!.AsObject().Select(p => p.Key));
        Assert.Equal(200, details["callback_response_status_code"]!.GetValue<int>());
        Assert.Equal("CALLBACK_COMPLETED", details["callback_response_status"]!.GetValue<string>());

        var read = (await ccd.ReadAsync(reference))!.AsObject();
        Assert.Equal(["case_details", "revision"], read.Select(p => p.Key));
        Assert.Equal(1, read["revision"]!.GetValue<int>());
        Assert.Equal(CaseDetailsFields[..12], read["case_details"]!.AsObject().Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(data, read["case_details"]!["case_data"]));

        var history = (await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history")).Json.AsArray();
        var only = Assert.Single(history)!.AsObject();
        Assert.Equal(["id", "case_reference", "event"], only.Select(p => p.Key));
        Assert.Equal(reference, only["case_reference"]!.GetValue<long>());
        var audit = only["event"]!.AsObject();
        Assert.Equal(HistoryEventFields, audit.Select(p => p.Key));
        Assert.Equal("create", audit["id"]!.GetValue<string>());
        Assert.Equal("Create a case", audit["event_name"]!.GetValue<string>());
        Assert.Equal("A summary", audit["summary"]!.GetValue<string>());
        Assert.Equal("A description", audit["description"]!.GetValue<string>());
        Assert.Equal("user-1", audit["user_id"]!.GetValue<string>());
        Assert.Equal("Ada", audit["user_first_name"]!.GetValue<string>());
        Assert.Equal("Lovelace", audit["user_last_name"]!.GetValue<string>());
        Assert.Equal("2026-03-05T12:34:56.789", audit["created_date"]!.GetValue<string>());
        Assert.Equal(TestService.BlobType, audit["case_type_id"]!.GetValue<string>());
        Assert.Equal(1, audit["case_type_version"]!.GetValue<int>());
        Assert.Equal("Open", audit["state_id"]!.GetValue<string>());
        Assert.Equal("Open", audit["state_name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(data, audit["data"]));
        Assert.Equal("{}", audit["data_classification"]!.ToJsonString());
        Assert.Equal("PUBLIC", audit["security_classification"]!.GetValue<string>());
        Assert.Null(audit["significant_item"]);
        Assert.Null(audit["proxied_by"]);

        var one = await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history/{only["id"]}");
        Assert.Equal(HttpStatusCode.OK, one.Status);
        Assert.True(JsonNode.DeepEquals(only, one.Json));
    }

    [Fact]
    public async Task a_published_create_writes_the_search_queue_and_an_outbox_message_as_ccd_writes_it()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();

        var reply = await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "n1", ["count"] = 7 }));

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal(1, await service.CountAsync("SELECT case_revision FROM ccd.es_queue WHERE reference = @r", reference));
        var message = (await service.JsonAsync("SELECT message_information::text FROM ccd.message_queue_candidates WHERE reference = @r", reference))!.AsObject();
        var eventId = await service.CountAsync("SELECT id FROM ccd.case_event WHERE case_reference = @r", reference);
        Assert.Equal("user-1", message["UserId"]!.GetValue<string>());
        Assert.Equal("TEST", message["JurisdictionId"]!.GetValue<string>());
        Assert.Equal(TestService.BlobType, message["CaseTypeId"]!.GetValue<string>());
        Assert.Equal(reference.ToString(System.Globalization.CultureInfo.InvariantCulture), message["CaseId"]!.GetValue<string>());
        Assert.Equal("2026-03-05T12:34:56.789", message["EventTimeStamp"]!.GetValue<string>());
        Assert.Equal(eventId, message["EventInstanceId"]!.GetValue<long>());
        Assert.Equal("create", message["EventId"]!.GetValue<string>());
        Assert.Null(message["PreviousStateId"]);
        Assert.True(message.ContainsKey("PreviousStateId"));
        Assert.Equal("Open", message["NewStateId"]!.GetValue<string>());
        Assert.Equal("""{"note":"n1","count":7}""", message["AdditionalData"]!["Data"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"note":{"originalId":"note","type":"SimpleText","subtype":"Text","typeDef":null},"count":{"originalId":"count","type":"SimpleNumber","subtype":"Number","typeDef":null}}"""),
            message["AdditionalData"]!["Definition"]));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NOT NULL"));
    }

    [Fact]
    public async Task a_typed_create_runs_its_handler_renders_its_view_and_merges_the_hmcts_service_id()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();

        var reply = await ccd.SubmitAsync(Payloads.Create(reference, TestService.TypedType, "create",
            new JsonObject { ["title"] = "Case A", ["note"] = "first", ["behaviour"] = "item" }));

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var details = reply.Json["case_details"]!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"title":"Case A","note":"first","behaviour":"item","heading":"Case A (Open)","noteCount":1}"""),
            details["case_data"]));
        Assert.Equal("""{"HMCTSServiceId":"ABC1"}""", details["supplementary_data"]!.ToJsonString());
        Assert.Equal("# Saved " + reference, details["after_submit_callback_response"]!["confirmation_header"]!.GetValue<string>());
        var audit = (await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history")).Json[0]!["event"]!;
        Assert.Equal("Open case", audit["state_name"]!.GetValue<string>());
        Assert.Equal("""{"type":"DOCUMENT","description":"Order","url":"https://docs.example/1"}""", audit["significant_item"]!.ToJsonString());
        Assert.Equal(1, await TestSchema.CountNotesAsync(service.DataSource));
    }
}
