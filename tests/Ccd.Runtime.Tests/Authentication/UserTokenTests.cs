using System.Net;
using System.Net.Http.Json;
using Ccd.Runtime.Authentication;
using Ccd.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

public sealed class UserTokenTests(PostgresServer postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_request_without_a_user_token_is_401_with_a_problem_body()
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);
        using var client = app.CreateClient(userToken: null, TestTokens.Service());

        using var response = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Cancel);
        Assert.Equal("urn:ccd:problem:unauthenticated", problem!.Type);
        Assert.Contains("Authorization header is missing", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer a.b.c")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task a_blank_or_malformed_user_token_is_401(string header)
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);
        using var client = app.CreateClient(userToken: null, TestTokens.Service());
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        using var response = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("urn:ccd:problem:unauthenticated", (await response.Content.ReadFromJsonAsync<ProblemBody>(Cancel))!.Type);
    }

    public static TheoryData<string, string> RejectedTokens() => new()
    {
        { "expired", TestTokens.ExpiredUser() },
        { "not yet valid", TestTokens.NotYetValidUser() },
        { "wrong key", TestTokens.UserSignedWithWrongKey() },
        { "wrong audience", TestTokens.UserForWrongAudience() },
        { "alg none", TestTokens.UnsignedUser() },
        { "a service token", TestTokens.Service("user-1") },
    };

    [Theory]
    [MemberData(nameof(RejectedTokens))]
    public async Task an_invalid_user_token_is_401_on_both_policies(string why, string token)
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);
        using var client = app.CreateClient(token, TestTokens.Service());

        using var persistence = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);
        using var user = await client.GetAsync(AuthProbeHost.UserPath, Cancel);

        Assert.True(persistence.StatusCode == HttpStatusCode.Unauthorized, why);
        Assert.True(user.StatusCode == HttpStatusCode.Unauthorized, why);
        Assert.DoesNotContain(token, await persistence.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_reason_a_token_was_refused_is_named_in_the_problem()
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);
        using var client = app.CreateClient(TestTokens.ExpiredUser(), TestTokens.Service());

        using var response = await client.GetAsync(AuthProbeHost.UserPath, Cancel);

        Assert.Equal("The user token has expired.", (await response.Content.ReadFromJsonAsync<ProblemBody>(Cancel))!.Detail);
    }

    [Theory]
    [InlineData("bearer ")]
    [InlineData("BEARER ")]
    [InlineData("Bearer ")]
    public async Task the_bearer_prefix_of_the_user_token_is_accepted_in_any_letter_case(string prefix)
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);
        using var client = app.CreateClient(userToken: null, TestTokens.Service());
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", prefix + TestTokens.User("u-7"));

        using var response = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("u-7", (await response.Content.ReadFromJsonAsync<CcdUser>(Cancel))!.Id);
    }

    [Fact]
    public async Task the_user_comes_from_uid_names_and_json_array_claims()
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);
        using var client = app.CreateClient(
            TestTokens.User("idam-42", roles: ["caseworker", "caseworker-adoption"], courts: ["C1", "C2"], firstName: "Ada", lastName: "Lovelace"),
            TestTokens.Service());

        var user = await client.GetFromJsonAsync<CcdUser>(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(("idam-42", "Ada", "Lovelace"), (user!.Id, user.FirstName, user.LastName));
        Assert.Equal(["caseworker", "caseworker-adoption"], user.Roles);
        Assert.Equal(["C1", "C2"], user.Courts);
    }

    [Fact]
    public async Task without_uid_the_user_id_is_sub_and_without_names_they_are_empty()
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);
        var token = TestTokens.Mint(new Dictionary<string, object> { ["sub"] = "sub-only", ["roles"] = "single-role" }, TestTokens.UserAudience, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));
        using var client = app.CreateClient(token, serviceToken: null);

        var user = await client.GetFromJsonAsync<CcdUser>(AuthProbeHost.UserPath, Cancel);

        Assert.Equal("sub-only", user!.Id);
        Assert.Equal(string.Empty, user.FirstName);
        Assert.Equal(string.Empty, user.LastName);
        Assert.Equal(["single-role"], user.Roles);
    }

    [Fact]
    public async Task the_user_policy_needs_no_service_token()
    {
        await using var app = await AuthProbeHost.StartAsync(postgres);
        using var client = app.CreateClient(TestTokens.User("u-1"), serviceToken: null);

        using var user = await client.GetAsync(AuthProbeHost.UserPath, Cancel);
        using var persistence = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, persistence.StatusCode);
    }
}

internal sealed record ProblemBody(string Type, string Title, int Status, string? Detail);
