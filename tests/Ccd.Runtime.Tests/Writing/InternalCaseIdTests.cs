using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

/// <summary>CCD's internal case ids are positive: a zero or negative one is a 400 naming the field, and nothing is stored.</summary>
public sealed class InternalCaseIdTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public async Task a_create_with_a_zero_or_negative_internal_case_id_is_a_400_naming_it_and_stores_nothing(long internalId)
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var body = Payloads.Create(Payloads.NewReference(), TestService.BlobType, "create", new JsonObject());
        body["internal_case_id"] = internalId;

        var reply = await ccd.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal("internal_case_id", reply.Json["field"]?.GetValue<string>());
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM ccd.case_data"));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM ccd.case_event"));
    }

    [Fact]
    public async Task a_positive_internal_case_id_is_stored()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var body = Payloads.Create(Payloads.NewReference(), TestService.BlobType, "create", new JsonObject());
        body["internal_case_id"] = 1;

        Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(body)).Status);
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_data WHERE id = 1"));
    }
}
