using Ccd.Runtime.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class SupplementaryDataTests(PostgresServer postgres)
{
    private static async Task<long> CaseAsync(CcdDataStoreClient ccd, JsonObject? supplementary = null)
    {
        var reference = Payloads.NewReference();
        var reply = await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject(), supplementary: supplementary));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return reference;
    }

    [Fact]
    public async Task set_and_inc_on_dotted_paths_apply_together_and_answer_the_whole_object()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = await CaseAsync(ccd, new JsonObject { ["counts"] = new JsonObject { ["b"] = 5 }, ["keep"] = "me" });

        var reply = await ccd.UpdateSupplementaryDataRawAsync(reference,
            """{"supplementary_data_updates":{"$set":{"orgs.a.name":"Org A","keep":"changed"},"$inc":{"counts.b":-4,"counts.fresh":2}}}""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"supplementary_data":{"counts":{"b":1,"fresh":2},"keep":"changed","orgs":{"a":{"name":"Org A"}}}}"""),
            reply.Json));
        Assert.Equal(["supplementary_data"], reply.Json.AsObject().Select(p => p.Key));
        var read = (await ccd.ReadAsync(reference))!;
        Assert.Equal(2, read["revision"]!.GetValue<int>());
        Assert.Equal(1, read["case_details"]!["version"]!.GetValue<int>());
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_event"));
        Assert.Equal(2, await service.CountAsync("SELECT case_revision FROM ccd.es_queue WHERE reference = @r", reference));
    }

    [Fact]
    public async Task two_hundred_concurrent_increments_sum_exactly()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = await CaseAsync(ccd);

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            ccd.UpdateSupplementaryDataRawAsync(reference, """{"supplementary_data_updates":{"$inc":{"orgs_assigned_users.org1":1}}}""")));

        Assert.All(replies, reply => Assert.Equal(HttpStatusCode.OK, reply.Status));
        var read = (await ccd.ReadAsync(reference))!;
        Assert.Equal(200, read["case_details"]!["supplementary_data"]!["orgs_assigned_users"]!["org1"]!.GetValue<long>());
        Assert.Equal(201, read["revision"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"supplementary_data_updates":{"$push":{"a":1}}}""")]
    [InlineData("""{"supplementary_data_updates":{}}""")]
    [InlineData("""{"supplementary_data_updates":{"$set":{}}}""")]
    [InlineData("""{}""")]
    [InlineData("""{"supplementary_data_updates":{"$set":{"a..b":1}}}""")]
    [InlineData("""{"supplementary_data_updates":{"$inc":{"a":1.5}}}""")]
    [InlineData("""{"supplementary_data_updates":{"$inc":{"a":"1"}}}""")]
    [InlineData("""{"supplementary_data_updates":{"$set":{"text.inner":1}}}""")]
    [InlineData("""{"supplementary_data_updates":{"$inc":{"text":1}}}""")]
    [InlineData("""{"supplementary_data_updates":{"$set":{"ok":1},"$inc":{"text":1}}}""")]
    public async Task invalid_updates_are_400_and_change_nothing(string body)
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = await CaseAsync(ccd, new JsonObject { ["text"] = "plain" });

        var reply = await ccd.UpdateSupplementaryDataRawAsync(reference, body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        var read = (await ccd.ReadAsync(reference))!;
        Assert.Equal("""{"text":"plain"}""", read["case_details"]!["supplementary_data"]!.ToJsonString());
        Assert.Equal(1, read["revision"]!.GetValue<int>());
    }

    [Fact]
    public async Task an_unknown_case_is_a_404()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();

        var reply = await ccd.UpdateSupplementaryDataRawAsync(Payloads.NewReference(), """{"supplementary_data_updates":{"$set":{"a":1}}}""");

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
    }
}
