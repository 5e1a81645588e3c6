using Ccd.Runtime.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class VersionTests(PostgresServer postgres)
{
    private static async Task<(long Reference, TestService Service, CcdDataStoreClient Ccd)> CaseAtVersion2Async(PostgresServer postgres)
    {
        var service = await TestService.StartAsync(postgres);
        var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "a", ["count"] = 1 }));
        var second = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "b", ["count"] = 1 }, version: 1));
        Assert.Equal(2, second.Json["case_details"]!["version"]!.GetValue<int>());
        return (reference, service, ccd);
    }

    [Fact]
    public async Task a_stale_version_on_an_event_that_changes_the_blob_is_a_409_and_writes_nothing()
    {
        var (reference, service, ccd) = await CaseAtVersion2Async(postgres);
        await using var _ = service;
        using var __ = ccd;

        var stale = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "c", ["count"] = 1 }, version: 1));

        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal(2, stale.Json["currentVersion"]!.GetValue<int>());
        var read = (await ccd.ReadAsync(reference))!;
        Assert.Equal(2, read["revision"]!.GetValue<int>());
        Assert.Equal("b", read["case_details"]!["case_data"]!["note"]!.GetValue<string>());
        Assert.Equal(2, await service.CountAsync("SELECT count(*) FROM ccd.case_event"));
    }

    [Fact]
    public async Task a_stale_version_on_an_event_whose_blob_is_equal_but_written_differently_succeeds_without_a_new_version()
    {
        var (reference, service, ccd) = await CaseAtVersion2Async(postgres);
        await using var _ = service;
        using var __ = ccd;
        var body = Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["count"] = 1, ["note"] = "b" }, version: 1);
        var json = body.ToJsonString().Replace("\"case_data\":{\"count\":1,\"note\":\"b\"}", "\"case_data\": {  \"count\" : 1.0e0 ,\n \"note\":\"b\" }", StringComparison.Ordinal);

        var reply = await ccd.SubmitRawAsync(json, Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal(2, reply.Json["case_details"]!["version"]!.GetValue<int>());
        Assert.Equal(3, reply.Json["revision"]!.GetValue<int>());
    }

    [Fact]
    public async Task a_stale_version_on_an_additive_event_succeeds_and_moves_the_version()
    {
        var (reference, service, ccd) = await CaseAtVersion2Async(postgres);
        await using var _ = service;
        using var __ = ccd;

        var reply = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "addNote", new JsonObject { ["note"] = "b", ["count"] = 1, ["extra"] = "n" }, version: 1));

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal(3, reply.Json["case_details"]!["version"]!.GetValue<int>());
        Assert.Equal(3, reply.Json["revision"]!.GetValue<int>());
    }

    [Fact]
    public async Task revision_rises_by_one_per_event_and_supplementary_update_while_version_follows_what_ccd_sees()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var steps = new List<(int Version, int Revision)>();
        async Task SubmitAsync(JsonObject body)
        {
            var reply = await ccd.SubmitAsync(body);
            Assert.Equal(HttpStatusCode.Created, reply.Status);
            steps.Add((reply.Json["case_details"]!["version"]!.GetValue<int>(), reply.Json["revision"]!.GetValue<int>()));
        }

        await SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "a" }));
        await SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "a" }, 1)); // nothing changes
        await SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "b" }, 1)); // blob changes
        await SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "b" }, 2, state: "Closed")); // state changes
        var ttl = Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "b" }, 3, state: "Closed", mergeRevision: 4);
        ttl["resolved_ttl"] = "2033-01-31";
        await SubmitAsync(ttl); // TTL changes
        var supplementary = await ccd.UpdateSupplementaryDataRawAsync(reference, """{"supplementary_data_updates":{"$set":{"a":1}}}""");
        Assert.Equal(HttpStatusCode.OK, supplementary.Status);
        await SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "b" }, 4, state: "Closed", mergeRevision: 6)); // TTL cleared

        Assert.Equal([(1, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 7)], steps);
        var read = (await ccd.ReadAsync(reference))!;
        Assert.Equal(7, read["revision"]!.GetValue<int>());
        Assert.Equal("""{"a":1}""", read["case_details"]!["supplementary_data"]!.ToJsonString());
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM ccd.case_data WHERE resolved_ttl IS NOT NULL"));
        Assert.Equal(7, await service.CountAsync("SELECT case_revision FROM ccd.es_queue WHERE reference = @r", reference));
    }
}
