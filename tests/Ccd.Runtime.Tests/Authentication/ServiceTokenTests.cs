using System.Net;
using System.Net.Http.Json;
using Ccd.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

public sealed class ServiceTokenTests(PostgresServer postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, ProblemBody? Problem)> CallAsync(TestServiceApp app, params string[] serviceHeaders)
    {
        using var client = app.CreateClient(TestTokens.User(), serviceToken: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, AuthProbeHost.PersistencePath);
        foreach (var header in serviceHeaders)
        {
            request.Headers.TryAddWithoutValidation("ServiceAuthorization", header);
        }

        using var response = await client.SendAsync(request, Cancel);
        var problem = response.StatusCode == HttpStatusCode.OK ? null : await response.Content.ReadFromJsonAsync<ProblemBody>(Cancel);
        return (response.StatusCode, problem);
    }

    [Fact]
    public async Task a_request_without_a_service_token_is_401_naming_the_header()
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);

        var (status, problem) = await CallAsync(app);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("urn:ccd:problem:unauthenticated", problem!.Type);
        Assert.Contains("ServiceAuthorization header is missing", problem.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> RejectedTokens() => new()
    {
        { "garbage", "not-a-token" },
        { "blank", "Bearer " },
        { "expired", TestTokens.ExpiredService() },
        { "wrong key", TestTokens.ServiceSignedWithWrongKey() },
        { "alg none", TestTokens.UnsignedService() },
        { "a user token", TestTokens.User("ccd_data") },
    };

    [Theory]
    [MemberData(nameof(RejectedTokens))]
    public async Task an_invalid_service_token_is_401(string why, string header)
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);

        var (status, problem) = await CallAsync(app, header);

        Assert.True(status == HttpStatusCode.Unauthorized, why);
        Assert.Equal("urn:ccd:problem:unauthenticated", problem!.Type);
    }

    [Fact]
    public async Task a_valid_service_that_is_not_allowed_is_403()
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);

        var (status, problem) = await CallAsync(app, TestTokens.Service("xui_webapp"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("urn:ccd:problem:forbidden", problem!.Type);
    }

    [Fact]
    public async Task the_allow_list_is_configurable_as_an_array_or_a_comma_separated_value()
    {
        await using var asArray = await AuthProbeHost.StartAsync(postgres, new Dictionary<string, string?> { ["Ccd:Auth:AllowedServices:0"] = "adoption_web" });
        await using var asList = await AuthProbeHost.StartAsync(postgres, new Dictionary<string, string?> { ["Ccd:Auth:AllowedServices"] = "adoption_web, ccd_data" });

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(asArray, TestTokens.Service("adoption_web"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(asArray, TestTokens.Service("ccd_data"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(asList, TestTokens.Service("ccd_data"))).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer ")]
    [InlineData("bearer ")]
    [InlineData("BEARER ")]
    public async Task the_service_token_is_accepted_with_or_without_a_bearer_prefix_in_any_case(string prefix)
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);

        var (status, _) = await CallAsync(app, prefix + TestTokens.Service());

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task the_same_service_token_sent_twice_counts_once()
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);
        var token = TestTokens.Service();

        var (status, _) = await CallAsync(app, token, "Bearer " + token);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task two_different_service_tokens_are_401()
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);

        var (status, problem) = await CallAsync(app, TestTokens.Service(), TestTokens.Service("another_service"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("two different tokens", problem!.Detail, StringComparison.Ordinal);
    }
}
