using Ccd.Runtime.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

/// <summary>
/// A stale additive event (built on CCD's read before another event committed) applies only what it changed
/// relative to <c>case_details_before</c>: data, state, classification and TTL never move back.
/// </summary>
public sealed class StaleEventTests(PostgresServer postgres)
{
    private static JsonObject Ttl(string date) => new() { ["SystemTTL"] = date, ["OverrideTTL"] = null, ["Suspended"] = "No" };

    [Fact]
    public async Task a_stale_additive_event_on_a_blob_case_never_moves_data_state_classification_or_ttl_back()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var first = new JsonObject { ["a"] = 1, ["TTL"] = Ttl("2027-01-31") };
        Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(Submit.Create(reference, TestService.BlobType, "create", first, "2027-01-31"))).Status);
        var concurrent = Submit.Update(reference, TestService.BlobType, "update", before: first, beforeState: "Open",
            proposed: new JsonObject { ["a"] = 2, ["TTL"] = Ttl("2040-01-31") }, state: "Closed", classification: "PRIVATE", resolvedTtl: "2040-01-31", version: 1, mergeRevision: 1);
        Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(concurrent)).Status);

        // addNote built on the first read: CCD's proposal still carries a:1, Open, PUBLIC and the 2027 TTL.
        var stale = Submit.Update(reference, TestService.BlobType, "addNote", before: first, beforeState: "Open",
            proposed: With(first, "notes", new JsonArray("n1")), state: "Open", classification: "PUBLIC", resolvedTtl: "2027-01-31", version: 1, mergeRevision: 1);
        var reply = await ccd.SubmitAsync(stale);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        await AssertStoredAsync(service, ccd, reference, "Closed", "PRIVATE", "2040-01-31", data =>
        {
            Assert.Equal(2, data["a"]!.GetValue<int>());
            Assert.Equal(["n1"], data["notes"]!.AsArray().Select(n => n!.GetValue<string>()));
        });
    }

    [Fact]
    public async Task a_fresh_additive_event_never_conflicts_and_a_stale_one_that_collides_with_a_concurrent_change_is_a_409()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var first = new JsonObject { ["a"] = 1, ["notes"] = new JsonArray() };
        await ccd.SubmitAsync(Submit.Create(reference, TestService.BlobType, "create", first, null));
        var second = new JsonObject { ["a"] = 2, ["notes"] = new JsonArray() };
        await ccd.SubmitAsync(Submit.Update(reference, TestService.BlobType, "update", first, "Open", second, "Open", "PUBLIC", null, version: 1, mergeRevision: 1));

        for (var i = 0; i < 3; i++)
        {
            var read = (await ccd.ReadAsync(reference))!;
            var seen = read["case_details"]!["case_data"]!.AsObject();
            var proposed = (JsonObject)seen.DeepClone();
            proposed["notes"]!.AsArray().Add($"n{i}");
            var fresh = Submit.Update(reference, TestService.BlobType, "addNote", seen, "Open", proposed, "Open", "PUBLIC", null,
                version: read["case_details"]!["version"]!.GetValue<int>(), mergeRevision: read["revision"]!.GetValue<int>());
            Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(fresh)).Status);
        }

        var collides = Submit.Update(reference, TestService.BlobType, "addNote", first, "Open", With(first, "a", 5), "Open", "PUBLIC", null, version: 1, mergeRevision: 1);
        var conflict = await ccd.SubmitAsync(collides);

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        var final = (await ccd.ReadAsync(reference))!;
        Assert.Equal(5, final["revision"]!.GetValue<int>());
        Assert.Equal(2, final["case_details"]!["case_data"]!["a"]!.GetValue<int>());
        Assert.Equal(["n0", "n1", "n2"], final["case_details"]!["case_data"]!["notes"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task a_stale_additive_event_with_a_typed_handler_that_returns_no_state_never_moves_anything_back()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Submit.Create(reference, TestService.TypedType, "create", new JsonObject { ["title"] = "t", ["TTL"] = Ttl("2027-01-31") }, "2027-01-31"));
        var firstRead = (await ccd.ReadAsync(reference))!["case_details"]!["case_data"]!.AsObject();
        var edit = Submit.Update(reference, TestService.TypedType, "edit", firstRead, "Open",
            new JsonObject { ["title"] = "t2", ["behaviour"] = "close", ["TTL"] = Ttl("2040-01-31") }, "Open", "PRIVATE", "2040-01-31", version: 1, mergeRevision: 1);
        Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(edit)).Status);

        var stale = Submit.Update(reference, TestService.TypedType, "addTypedNote", firstRead, "Open",
            With(firstRead, "notes", new JsonArray("n1")), "Open", "PUBLIC", "2027-01-31", version: 1, mergeRevision: 1);
        var reply = await ccd.SubmitAsync(stale);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        await AssertStoredAsync(service, ccd, reference, "Closed", "PRIVATE", "2040-01-31", data =>
        {
            Assert.Equal("t2", data["title"]!.GetValue<string>());
            Assert.Equal("t2 (Closed)", data["heading"]!.GetValue<string>());
            Assert.Equal(["n1"], data["notes"]!.AsArray().Select(n => n!.GetValue<string>()));
        });
    }

    [Fact]
    public async Task ccd_ttl_is_returned_by_the_next_read_and_a_handler_that_overwrites_it_does_not_change_what_is_stored()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var blob = Payloads.NewReference();
        var typed = Payloads.NewReference();

        await ccd.SubmitAsync(Submit.Create(blob, TestService.BlobType, "create", new JsonObject { ["a"] = 1, ["TTL"] = Ttl("2031-05-01") }, "2031-05-01"));
        var reply = await ccd.SubmitAsync(Submit.Create(typed, TestService.TypedType, "create", new JsonObject { ["title"] = "t", ["behaviour"] = "ttl", ["TTL"] = Ttl("2031-05-01") }, "2031-05-01"));

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        foreach (var reference in new[] { blob, typed })
        {
            var read = (await ccd.ReadAsync(reference))!["case_details"]!["case_data"]!;
            Assert.True(JsonNode.DeepEquals(Ttl("2031-05-01"), read["TTL"]), read.ToJsonString());
            Assert.Equal("2031-05-01", await StoredSystemTtlAsync(service, reference));
        }
    }

    [Fact]
    public async Task a_ttl_change_with_a_stale_merge_revision_is_a_409_and_changes_nothing()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var first = new JsonObject { ["a"] = 1, ["TTL"] = Ttl("2030-01-31") };
        await ccd.SubmitAsync(Submit.Create(reference, TestService.BlobType, "create", first, "2030-01-31"));
        await ccd.UpdateSupplementaryDataRawAsync(reference, """{"supplementary_data_updates":{"$inc":{"n":1}}}"""); // revision 2, version 1

        var stale = Submit.Update(reference, TestService.BlobType, "update", first, "Open", With(first, "TTL", Ttl("2028-01-31")), "Open", "PUBLIC", "2028-01-31", version: 1, mergeRevision: 1);
        var reply = await ccd.SubmitAsync(stale);

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        await AssertStoredAsync(service, ccd, reference, "Open", "PUBLIC", "2030-01-31", data => Assert.True(JsonNode.DeepEquals(Ttl("2030-01-31"), data["TTL"])));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_event WHERE case_reference = @r", reference));

        var fresh = Submit.Update(reference, TestService.BlobType, "update", first, "Open", With(first, "TTL", Ttl("2028-01-31")), "Open", "PUBLIC", "2028-01-31", version: 1, mergeRevision: 2);
        Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(fresh)).Status);
        await AssertStoredAsync(service, ccd, reference, "Open", "PUBLIC", "2028-01-31", data => Assert.True(JsonNode.DeepEquals(Ttl("2028-01-31"), data["TTL"])));
    }

    private static async Task<string?> StoredSystemTtlAsync(TestService service, long reference)
    {
        await using var command = service.DataSource.CreateCommand("SELECT data -> 'TTL' ->> 'SystemTTL' FROM ccd.case_data WHERE reference = @r");
        command.Parameters.AddWithValue("r", reference);
        return (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    private static async Task AssertStoredAsync(TestService service, CcdDataStoreClient ccd, long reference, string state, string classification, string resolvedTtl, Action<JsonObject> data)
    {
        var read = (await ccd.ReadAsync(reference))!["case_details"]!;
        Assert.Equal(state, read["state"]!.GetValue<string>());
        Assert.Equal(classification, read["security_classification"]!.GetValue<string>());
        data(read["case_data"]!.AsObject());
        Assert.Equal(resolvedTtl, (await service.JsonAsync("SELECT to_jsonb(resolved_ttl::text) FROM ccd.case_data WHERE reference = @r", reference))!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(Ttl(resolvedTtl), read["case_data"]!["TTL"]), read["case_data"]!.ToJsonString());
    }

    private static JsonObject With(JsonObject data, string name, JsonNode? value)
    {
        var copy = (JsonObject)data.DeepClone();
        copy[name] = value;
        return copy;
    }
}

/// <summary>Submit bodies with every field CCD's concurrency and TTL rules read.</summary>
internal static class Submit
{
    public static JsonObject Create(long reference, string caseType, string eventId, JsonObject data, string? resolvedTtl)
    {
        var body = Payloads.Create(reference, caseType, eventId, (JsonObject)data.DeepClone());
        body["resolved_ttl"] = resolvedTtl;
        return body;
    }

    public static JsonObject Update(
        long reference, string caseType, string eventId, JsonObject before, string beforeState, JsonObject proposed, string state,
        string classification, string? resolvedTtl, int version, long mergeRevision)
    {
        var body = Payloads.Update(reference, caseType, eventId, (JsonObject)proposed.DeepClone(), version, state,
            before: (JsonObject)before.DeepClone(), mergeRevision: mergeRevision, beforeState: beforeState);
        body["case_details"]!["security_classification"] = classification;
        body["resolved_ttl"] = resolvedTtl;
        return body;
    }
}
