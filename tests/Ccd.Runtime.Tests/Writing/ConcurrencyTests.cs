using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class ConcurrencyTests(PostgresServer postgres)
{
    [Fact]
    public async Task a_hundred_concurrent_events_on_one_case_all_commit_with_contiguous_revisions_and_complete_history()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var start = new JsonObject { ["note"] = "start", ["notes"] = new JsonArray() };
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", start));

        // Every one built on the first read, as CCD would under a burst: each only appends its own note.
        var replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "addNote",
                new JsonObject { ["note"] = "start", ["notes"] = new JsonArray($"n{i}") }, version: 1, before: (JsonObject)start.DeepClone()))));

        Assert.All(replies, reply => Assert.Equal(HttpStatusCode.Created, reply.Status));
        Assert.Equal(Enumerable.Range(2, 100), replies.Select(r => r.Json["revision"]!.GetValue<int>()).Order());
        var history = (await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history")).Json.AsArray();
        Assert.Equal(101, history.Count);
        Assert.Equal(101, await service.CountAsync("SELECT max(case_revision) FROM ccd.case_event WHERE case_reference = @r", reference));
        Assert.Equal(101, (await ccd.ReadAsync(reference))!["revision"]!.GetValue<int>());
        Assert.Equal(101, await service.CountAsync("SELECT case_revision FROM ccd.es_queue WHERE reference = @r", reference));
        var notes = (await ccd.ReadAsync(reference))!["case_details"]!["case_data"]!["notes"]!.AsArray().Select(n => n!.GetValue<string>());
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"n{i}").Order(), notes.Order()); // no acknowledged note is lost
    }
}
