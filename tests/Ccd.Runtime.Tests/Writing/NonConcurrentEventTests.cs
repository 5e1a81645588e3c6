using Ccd.Runtime.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

/// <summary>An event with a blob handler is non-concurrent by default: it must not interleave with another event.</summary>
public sealed class NonConcurrentEventTests(PostgresServer postgres)
{
    [Fact]
    public async Task a_non_concurrent_event_started_before_another_commit_is_a_409_and_started_after_it_commits()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.TypedType, "create", new JsonObject { ["title"] = "a" }));
        var edited = await ccd.SubmitAsync(Payloads.Update(reference, TestService.TypedType, "edit", new JsonObject { ["title"] = "b" }, version: 1));
        var version = edited.Json["case_details"]!["version"]!.GetValue<int>();
        var revision = edited.Json["revision"]!.GetValue<int>();

        // Started at revision 1, before the edit committed; CCD's merge read is fresh, so only the start revision is stale.
        var early = Payloads.Update(reference, TestService.TypedType, "shout", new JsonObject { ["title"] = "quiet" }, version, mergeRevision: revision);
        early["start_revision"] = 1;
        var refused = await ccd.SubmitAsync(early);

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(2, await service.CountAsync("SELECT count(*) FROM ccd.case_event WHERE case_reference = @r", reference));

        var late = Payloads.Update(reference, TestService.TypedType, "shout", new JsonObject { ["title"] = "quiet" }, version, mergeRevision: revision);
        var committed = await ccd.SubmitAsync(late);

        Assert.Equal(HttpStatusCode.Created, committed.Status);
        Assert.Equal("QUIET", committed.Json["case_details"]!["case_data"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_supplementary_data_update_is_not_an_event_and_does_not_make_a_non_concurrent_event_conflict()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.TypedType, "create", new JsonObject { ["title"] = "a" }));
        await ccd.UpdateSupplementaryDataRawAsync(reference, """{"supplementary_data_updates":{"$inc":{"n":1}}}""");

        var shout = Payloads.Update(reference, TestService.TypedType, "shout", new JsonObject { ["title"] = "x" }, version: 1, mergeRevision: 2);
        shout["start_revision"] = 1;

        Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(shout)).Status);
    }
}
