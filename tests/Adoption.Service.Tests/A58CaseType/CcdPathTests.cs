using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Testing;
using Ccd.Runtime.Wire;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.A58CaseType;

/// <summary>Acceptance 8 (and the CCD side of 4 and 7): the REST API and CCD share one case, one write path and one history.</summary>
public sealed class CcdPathTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static long Reference(JsonElement created) => long.Parse(created.GetProperty("ccdReference").GetString()!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task a_case_created_through_the_api_is_served_to_ccd_as_the_view_renders_it_with_its_history()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync("BFC", app.Caseworker());
        await app.AssignAsync(created.Id(), "sw-1", "social-worker");
        using (var add = await app.Admin().PostAsJsonAsync($"/api/cases/{created.Id()}/documents",
            new { fileName = "report.pdf", contentType = "application/pdf", sizeBytes = 1234 }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        }

        var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");
        var reference = Reference(created);

        var read = await ccd.ReadAsync(reference);
        var history = await ccd.HistoryAsync(reference);

        var details = read!["case_details"]!;
        Assert.Equal(reference, details["id"]!.GetValue<long>());
        Assert.Equal("A58", details["case_type_id"]!.GetValue<string>());
        Assert.Equal("ADOPTION", details["jurisdiction"]!.GetValue<string>());
        Assert.Equal("APPLICATION", details["state"]!.GetValue<string>());
        var data = details["case_data"]!;
        Assert.Equal("BFC/2026/00001", data["caseNumber"]!.GetValue<string>());
        Assert.Equal("Birmingham Family Court", data["courtName"]!.GetValue<string>());
        Assert.Equal("Alex Morgan", data["applicantName"]!.GetValue<string>());
        Assert.Equal("sw-1", data["assignments"]![0]!["value"]!["userId"]!.GetValue<string>());
        Assert.Equal("report.pdf", data["documents"]![0]!["value"]!["fileName"]!.GetValue<string>());
        Assert.StartsWith("## Adoption case BFC/2026/00001", data["caseSummary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["addDocument", "assignUser", "submitApplication"], history.Select(e => e!["event"]!["id"]!.GetValue<string>()));
        Assert.Equal("caseworker-1", history[2]!["event"]!["user_id"]!.GetValue<string>());
        // History keeps the rendering as jsonb, so compare JSON values, not key order.
        Assert.True(JsonNode.DeepEquals(data, history[0]!["event"]!["data"]), history[0]!["event"]!["data"]!.ToJsonString());
        // A service-originated case: no CCD internal id; indexed under its reference; published once (submitApplication).
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.case_data WHERE reference = @r AND id IS NULL", ("r", reference)));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.es_queue WHERE reference = @r", ("r", reference)));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = @r", ("r", reference)));
        Assert.True(CaseReference.IsValid(reference));
    }

    [Fact]
    public async Task a_ccd_issue_directions_event_changes_the_adoption_tables_and_the_api_shows_it()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");
        var reference = Reference(created);
        var read = await ccd.ReadAsync(reference);
        var version = read!["case_details"]!["version"]!.GetValue<int>();

        var (status, body) = await ccd.UpdateAsync(reference, "issueDirections", "DIRECTIONS", version, read["case_details"]!["case_data"]!.AsObject());

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("DIRECTIONS", body!["case_details"]!["state"]!.GetValue<string>());
        using var rest = await app.Admin().GetAsync($"/api/cases/{created.Id()}", Ct);
        var shown = await rest.JsonAsync();
        Assert.Equal("DIRECTIONS", shown.GetProperty("status").GetString());
        Assert.Equal(2, shown.Version());
        Assert.Equal("caseworker-1", shown.GetProperty("updatedBy").GetString());
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.audit_log WHERE action = 'case.status-changed'"));
    }

    [Fact]
    public async Task a_stale_ccd_event_that_would_change_the_case_is_409_and_writes_nothing()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");
        var reference = Reference(created);
        var seen = await ccd.ReadAsync(reference);
        var staleVersion = seen!["case_details"]!["version"]!.GetValue<int>();
        using (var patch = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Robin"}""", ifMatch: "\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        var before = await app.SnapshotAsync();

        var (status, _) = await ccd.UpdateAsync(reference, "issueDirections", "DIRECTIONS", staleVersion, seen["case_details"]!["case_data"]!.AsObject());

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.cases WHERE status = 'APPLICATION'"));
    }

    [Fact]
    public async Task add_document_through_ccd_is_additive_and_registers_the_new_items()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        await app.AssignAsync(created.Id(), "sw-1", "social-worker");
        var ccd = app.Ccd("sw-1", ["social-worker"]);
        var reference = Reference(created);
        var seen = await ccd.ReadAsync(reference);
        var staleVersion = seen!["case_details"]!["version"]!.GetValue<int>();
        using (var patch = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Robin"}""", ifMatch: "\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        var proposed = seen["case_details"]!["case_data"]!.AsObject().DeepClone().AsObject();
        proposed["documents"]!.AsArray().Add(new JsonObject
        {
            ["id"] = null,
            ["value"] = new JsonObject { ["fileName"] = "consent.pdf", ["contentType"] = "application/pdf", ["sizeBytes"] = 99 },
        });

        var (status, body) = await ccd.UpdateAsync(reference, "addDocument", "APPLICATION", staleVersion, proposed,
            new CcdSubmitOptions { Before = seen["case_details"]!.DeepClone().AsObject() });

        Assert.Equal(HttpStatusCode.Created, status);
        var documents = body!["case_details"]!["case_data"]!["documents"]!.AsArray();
        Assert.Equal("consent.pdf", Assert.Single(documents)!["value"]!["fileName"]!.GetValue<string>());
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.documents WHERE file_name = 'consent.pdf' AND uploaded_by = 'sw-1'"));
    }

    [Fact]
    public async Task submit_application_through_ccd_creates_the_case_under_ccds_reference()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var ccd = app.Ccd("caseworker-1", ["caseworker"], "MFC");
        var reference = CaseReference.Mint();

        var (status, body) = await ccd.SubmitApplicationAsync(reference, new JsonObject { ["courtCode"] = "MFC", ["applicantName"] = "Jo", ["childName"] = "Max" });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("MFC/2026/00001", body!["case_details"]!["case_data"]!["caseNumber"]!.GetValue<string>());
        var list = await app.Caseworker("MFC").GetFromJsonAsync<JsonElement>("/api/cases", Ct);
        var shown = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(reference.ToString(CultureInfo.InvariantCulture), shown.GetProperty("ccdReference").GetString());
    }

    public static TheoryData<string, string, string, string> Refusals => new()
    {
        // event, post-state, the user's role, what the error says
        { "makeOrder", "ORDER_MADE", "caseworker", "DIRECTIONS or WITHDRAWN" },
        { "closeCase", "CLOSED", "caseworker", "DIRECTIONS or WITHDRAWN" },
        { "listHearing", "HEARING", "caseworker", "DIRECTIONS or WITHDRAWN" },
        { "issueDirections", "DIRECTIONS", "judge", "roles do not allow" },
        { "updateCaseDetails", "APPLICATION", "caseworker", "/api" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task a_refused_ccd_event_is_a_200_with_errors_and_writes_nothing(string eventId, string postState, string role, string error)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var ccd = app.Ccd($"{role}-1", [role], "BFC");
        var reference = Reference(created);
        var read = await ccd.ReadAsync(reference);
        var before = await app.SnapshotAsync();

        var (status, body) = await ccd.UpdateAsync(reference, eventId, postState, read!["case_details"]!["version"]!.GetValue<int>(),
            read["case_details"]!["case_data"]!.AsObject());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(error, Assert.Single(body!["errors"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(body["case_details"]);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task every_lifecycle_event_through_ccd_succeeds_in_order()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var withdrawn = await app.CreateCaseAsync();
        var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");

        foreach (var (eventId, state) in new[] { ("issueDirections", "DIRECTIONS"), ("listHearing", "HEARING"), ("makeOrder", "ORDER_MADE"), ("closeCase", "CLOSED") })
        {
            var read = await ccd.ReadAsync(Reference(created));
            var data = read!["case_details"]!["case_data"]!.AsObject().DeepClone().AsObject();
            if (eventId == "listHearing")
            {
                data["hearingDate"] = "2026-03-18"; // listHearing needs its date (HearingNotificationTests)
            }

            var (status, _) = await ccd.UpdateAsync(Reference(created), eventId, state, read["case_details"]!["version"]!.GetValue<int>(), data);
            Assert.Equal(HttpStatusCode.Created, status);
        }

        var seen = await ccd.ReadAsync(Reference(withdrawn));
        var (withdrawStatus, _) = await ccd.UpdateAsync(Reference(withdrawn), "withdraw", "WITHDRAWN", seen!["case_details"]!["version"]!.GetValue<int>(),
            seen["case_details"]!["case_data"]!.AsObject());

        Assert.Equal(HttpStatusCode.Created, withdrawStatus);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.cases WHERE status = 'CLOSED'"));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.cases WHERE status = 'WITHDRAWN'"));
        // makeOrder and closeCase are published, like submitApplication; the others are not.
        Assert.Equal(4, await app.CountAsync("SELECT count(*) FROM ccd.message_queue_candidates"));
    }

    [Fact]
    public async Task a_soft_deleted_case_vanishes_from_ccd_reads_and_events()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var ccd = app.Ccd("admin-1", ["admin"]);
        var reference = Reference(created);
        var read = await ccd.ReadAsync(reference);

        using (var delete = await app.Admin().DeleteAsync($"/api/cases/{created.Id()}", ifMatch: "\"1\""))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var (status, _) = await ccd.UpdateAsync(reference, "issueDirections", "DIRECTIONS", read!["case_details"]!["version"]!.GetValue<int>(),
            read["case_details"]!["case_data"]!.AsObject());

        Assert.Null(await ccd.ReadAsync(reference));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.case_data WHERE reference = @r AND removed_at IS NOT NULL", ("r", reference)));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.es_queue WHERE reference = @r", ("r", reference)));
    }
}
