using Ccd.Runtime.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class RequestValidationTests(PostgresServer postgres)
{
    [Fact]
    public async Task malformed_submits_are_400_problems_naming_the_field()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var good = Payloads.Create(reference, TestService.BlobType, "create", new JsonObject());

        var badLuhn = Payloads.Create((reference / 10 * 10) + ((reference % 10) + 1) % 10, TestService.BlobType, "create", new JsonObject());
        var unknownType = Payloads.Create(reference, "FT_Nope", "create", new JsonObject());
        var unknownEvent = Payloads.Create(reference, TestService.BlobType, "nope", new JsonObject());
        var unknownState = Payloads.Create(reference, TestService.TypedType, "create", new JsonObject(), state: "Nowhere");

        Assert.Equal("case_details.id", await FieldAsync(ccd.SubmitAsync(badLuhn)));
        Assert.Equal("event_details.case_type", await FieldAsync(ccd.SubmitAsync(unknownType)));
        Assert.Equal("event_details.event_id", await FieldAsync(ccd.SubmitAsync(unknownEvent)));
        Assert.Equal("case_details.state", await FieldAsync(ccd.SubmitAsync(unknownState)));
        Assert.Equal("Idempotency-Key", await FieldAsync(ccd.SubmitAsync(good, idempotencyKey: null)));
        Assert.Equal("case_details", await FieldAsync(ccd.SubmitRawAsync("{\"case_details\": 1}", Guid.NewGuid())));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM ccd.case_data"));
    }

    [Fact]
    public async Task a_body_with_a_duplicate_key_is_refused_and_unknown_fields_and_z_dates_are_accepted()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var body = Payloads.Create(Payloads.NewReference(), TestService.BlobType, "create", new JsonObject { ["note"] = "x" });
        body["case_details"]!["unexpected_field"] = "ignored";
        body["something_new"] = new JsonObject { ["a"] = 1 };
        var json = body.ToJsonString();
        var duplicated = json.Replace("\"note\":\"x\"", "\"note\":\"x\",\"note\":\"y\"", StringComparison.Ordinal);

        var refused = await ccd.SubmitRawAsync(duplicated, Guid.NewGuid());
        var accepted = await ccd.SubmitRawAsync(json, Guid.NewGuid());

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(HttpStatusCode.Created, accepted.Status);
    }

    private static async Task<string?> FieldAsync(Task<CcdAnswer> pending)
    {
        var reply = await pending;
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.NotNull(reply.Json["traceId"]);
        return reply.Json["field"]?.GetValue<string>();
    }
}
