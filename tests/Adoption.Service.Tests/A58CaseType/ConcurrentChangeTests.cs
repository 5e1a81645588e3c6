using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Testing;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.A58CaseType;

/// <summary>A58 on the one write pipeline: stale additive events, the reserved TTL, proxied submits, no-op writes, the revision ceiling.</summary>
public sealed class ConcurrentChangeTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Ttl(string date) => new() { ["SystemTTL"] = date, ["OverrideTTL"] = null, ["Suspended"] = "No" };

    [Fact]
    public async Task a_stale_add_document_never_moves_state_classification_ttl_or_data_back_and_ccds_ttl_is_read_back()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");
        var reference = Reference(created);
        var first = (await ccd.ReadAsync(reference))!["case_details"]!["case_data"]!.AsObject();
        var directions = With(first, "TTL", Ttl("2040-01-31"));
        var (issued, _) = await ccd.SubmitAsync(Body(reference, "issueDirections", first, "APPLICATION", directions, "DIRECTIONS", "PRIVATE", "2040-01-31", mergeRevision: 1), Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Created, issued);
        var afterDirections = (await ccd.ReadAsync(reference))!["case_details"]!;
        Assert.True(JsonNode.DeepEquals(Ttl("2040-01-31"), afterDirections["case_data"]!["TTL"]), afterDirections.ToJsonString()); // CCD's TTL is read back

        // addDocument built on the first read: CCD proposes APPLICATION, PUBLIC and no TTL, as that read showed.
        var proposed = (JsonObject)first.DeepClone();
        proposed["documents"]!.AsArray().Add(new JsonObject
        {
            ["id"] = null,
            ["value"] = new JsonObject { ["fileName"] = "consent.pdf", ["contentType"] = "application/pdf", ["sizeBytes"] = 99 },
        });
        var (status, body) = await ccd.SubmitAsync(Body(reference, "addDocument", first, "APPLICATION", proposed, "APPLICATION", "PUBLIC", null, mergeRevision: 1), Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Created, status);
        var read = (await ccd.ReadAsync(reference))!["case_details"]!;
        Assert.Equal("DIRECTIONS", read["state"]!.GetValue<string>());
        Assert.Equal("PRIVATE", read["security_classification"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(Ttl("2040-01-31"), read["case_data"]!["TTL"]), read.ToJsonString());
        Assert.Equal("consent.pdf", Assert.Single(read["case_data"]!["documents"]!.AsArray())!["value"]!["fileName"]!.GetValue<string>());
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.case_data WHERE reference = @r AND resolved_ttl = DATE '2040-01-31'", ("r", reference)));
        using var rest = await app.Admin().GetAsync($"/api/cases/{created.Id()}", Ct);
        Assert.Equal("DIRECTIONS", (await rest.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal("DIRECTIONS", body!["case_details"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_proxied_submit_is_decided_for_the_authenticated_caller_and_history_and_audit_name_both_users()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");
        var reference = Reference(created);
        var first = (await ccd.ReadAsync(reference))!["case_details"]!["case_data"]!.AsObject();
        var body = Body(reference, "issueDirections", first, "APPLICATION", first, "DIRECTIONS", "PUBLIC", null, mergeRevision: 1);
        body["event_details"]!["proxied_by"] = "citizen-7";
        body["event_details"]!["proxied_by_first_name"] = "Cid";
        body["event_details"]!["proxied_by_last_name"] = "Citizen";

        var (status, _) = await ccd.SubmitAsync(body, Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1, await app.CountAsync(
            "SELECT count(*) FROM adoption.audit_log WHERE action = 'case.status-changed' AND actor = 'caseworker-1' AND on_behalf_of = 'citizen-7'"));
        var history = (await ccd.HistoryAsync(reference))[0]!["event"]!;
        Assert.Equal(("citizen-7", "caseworker-1"), (history["user_id"]!.GetValue<string>(), history["proxied_by"]!.GetValue<string>()));
        using var audit = await app.Admin().GetAsync($"/api/cases/{created.Id()}/audit", Ct);
        var entries = (await audit.JsonAsync()).EnumerateArray().ToList();
        var changed = entries.Single(e => e.GetProperty("action").GetString() == "case.status-changed");
        Assert.Equal(("caseworker-1", "citizen-7"), (changed.GetProperty("actor").GetString(), changed.GetProperty("onBehalfOf").GetString()));
        Assert.False(entries.First().TryGetProperty("onBehalfOf", out _));
    }

    [Fact]
    public async Task a_patch_that_changes_nothing_writes_no_event_and_a_write_at_the_revision_ceiling_is_a_409()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var reference = Reference(created);

        using (var same = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Sam Morgan"}""", ifMatch: "\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        }

        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.case_event WHERE case_reference = @r", ("r", reference)));
        Assert.Equal(1, await app.CountAsync("SELECT revision FROM ccd.case_data WHERE reference = @r", ("r", reference)));

        await app.CountAsync("WITH moved AS (UPDATE ccd.case_data SET revision = 2147483647 WHERE reference = @r RETURNING 1) SELECT count(*) FROM moved", ("r", reference));
        using var refused = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Robin"}""", ifMatch: "\"1\"");

        await refused.AssertProblemAsync(409);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.cases WHERE child_name = 'Sam Morgan'"));
    }

    private static long Reference(JsonElement created) => long.Parse(created.GetProperty("ccdReference").GetString()!, CultureInfo.InvariantCulture);

    private static JsonObject With(JsonObject data, string name, JsonNode? value)
    {
        var copy = (JsonObject)data.DeepClone();
        copy[name] = value;
        return copy;
    }

    private static JsonObject Body(
        long reference, string eventId, JsonObject before, string beforeState, JsonObject proposed, string state, string classification, string? resolvedTtl, long mergeRevision) => new()
    {
        ["case_details_before"] = Details(reference, before, beforeState, "PUBLIC"),
        ["case_details"] = Details(reference, proposed, state, classification),
        ["event_details"] = new JsonObject
        {
            ["case_type"] = "A58", ["event_id"] = eventId, ["event_name"] = eventId, ["summary"] = null, ["description"] = null,
            ["proxied_by"] = null, ["proxied_by_first_name"] = null, ["proxied_by_last_name"] = null,
        },
        ["resolved_ttl"] = resolvedTtl,
        ["internal_case_id"] = null,
        ["start_revision"] = mergeRevision,
        ["merge_revision"] = mergeRevision,
    };

    private static JsonObject Details(long reference, JsonObject data, string state, string classification) => new()
    {
        ["id"] = reference, ["jurisdiction"] = "ADOPTION", ["case_type_id"] = "A58", ["state"] = state, ["version"] = 1,
        ["security_classification"] = classification, ["case_data"] = data.DeepClone(), ["data_classification"] = new JsonObject(),
        ["supplementary_data"] = new JsonObject(),
    };
}
