using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class RollbackTests(PostgresServer postgres)
{
    [Fact]
    public async Task a_failure_after_the_search_queue_and_outbox_inserts_rolls_back_the_case_history_queue_and_outbox_together()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "fine" }));

        // The test schema's deferred trigger raises at commit, after every insert of the event, when the outbox publishes 'explode'.
        var failed = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "explode" }, version: 1));
        var created = await ccd.SubmitAsync(Payloads.Create(Payloads.NewReference(), TestService.BlobType, "create", new JsonObject { ["note"] = "explode" }));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, created.Status);
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_data"));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_event"));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.message_queue_candidates"));
        Assert.Equal(1, await service.CountAsync("SELECT case_revision FROM ccd.es_queue"));
        var read = (await ccd.ReadAsync(reference))!;
        Assert.Equal(1, read["revision"]!.GetValue<int>());
        Assert.Equal("fine", read["case_details"]!["case_data"]!["note"]!.GetValue<string>());
    }
}
