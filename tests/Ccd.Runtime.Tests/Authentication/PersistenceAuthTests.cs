using Ccd.Runtime.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Authentication;

public sealed class AuthTests(PostgresServer postgres)
{
    public static TheoryData<string?, string?, HttpStatusCode> Callers => new()
    {
        { null, TestTokens.Service(), HttpStatusCode.Unauthorized },
        { TestTokens.UserSignedWithWrongKey(), TestTokens.Service(), HttpStatusCode.Unauthorized },
        { TestTokens.User(), null, HttpStatusCode.Unauthorized },
        { TestTokens.User(), TestTokens.ServiceSignedWithWrongKey(), HttpStatusCode.Unauthorized },
        { TestTokens.User(), TestTokens.Service("some_other_service"), HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task every_endpoint_refuses_a_caller_without_both_valid_tokens_from_an_allowed_service(string? user, string? serviceToken, HttpStatusCode expected)
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject()));
        using var caller = new CcdDataStoreClient(service.App.CreateClient(user, serviceToken));

        var replies = new[]
        {
            await caller.SubmitAsync(Payloads.Create(Payloads.NewReference(), TestService.BlobType, "create", new JsonObject())),
            await caller.GetAsync($"/ccd-persistence/cases?case-refs={reference}"),
            await caller.GetAsync($"/ccd-persistence/cases/{reference}/history"),
            await caller.GetAsync($"/ccd-persistence/cases/{reference}/history/1"),
            await caller.UpdateSupplementaryDataRawAsync(reference, """{"supplementary_data_updates":{"$set":{"a":1}}}"""),
        };

        Assert.All(replies, reply => Assert.Equal(expected, reply.Status));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_data"));
    }

    [Fact]
    public async Task a_lower_case_bearer_and_a_bare_service_token_sent_twice_are_accepted()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var client = service.App.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer " + TestTokens.User());
        var serviceToken = TestTokens.Service();
        client.DefaultRequestHeaders.TryAddWithoutValidation("ServiceAuthorization", [serviceToken, serviceToken]);
        using var ccd = new CcdDataStoreClient(client);

        var reply = await ccd.SubmitAsync(Payloads.Create(Payloads.NewReference(), TestService.BlobType, "create", new JsonObject()));

        Assert.Equal(HttpStatusCode.Created, reply.Status);
    }

    [Fact]
    public async Task a_proxied_submit_records_the_on_behalf_of_user_in_user_columns_and_the_caller_in_proxied_by()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd("caseworker-7", "Grace", "Hopper");
        var reference = Payloads.NewReference();
        var create = Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "p" });
        create["event_details"]!["proxied_by"] = "citizen-3";
        create["event_details"]!["proxied_by_first_name"] = "Alan";
        create["event_details"]!["proxied_by_last_name"] = "Turing";

        var reply = await ccd.SubmitAsync(create);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var audit = (await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history")).Json[0]!["event"]!;
        Assert.Equal("citizen-3", audit["user_id"]!.GetValue<string>());
        Assert.Equal("Alan", audit["user_first_name"]!.GetValue<string>());
        Assert.Equal("Turing", audit["user_last_name"]!.GetValue<string>());
        Assert.Equal("caseworker-7", audit["proxied_by"]!.GetValue<string>());
        Assert.Equal("Grace", audit["proxied_by_first_name"]!.GetValue<string>());
        Assert.Equal("Hopper", audit["proxied_by_last_name"]!.GetValue<string>());
        var message = (await service.JsonAsync("SELECT message_information::text FROM ccd.message_queue_candidates WHERE reference = @r", reference))!;
        Assert.Equal("caseworker-7", message["UserId"]!.GetValue<string>());
    }
}
