using System.Net;
using System.Net.Http.Json;
using Ccd.Runtime.Authentication;
using Ccd.Testing;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

/// <summary>DEV and PROD: user tokens verified with the identity provider's OIDC metadata, service tokens by the
/// S2S provider's <c>/details</c>, both against an in-process fake of those third-party systems.</summary>
public sealed class ProviderAuthenticationTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Audience = "ccd-adoption-api";
    private FakeIdentityProvider _provider = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _provider = await FakeIdentityProvider.StartAsync();

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    private Task<TestServiceApp> StartDevAsync(IDictionary<string, string?>? extra = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "DEV",
            ["Ccd:Auth:SigningKey"] = null, // no shared key outside LOCAL/TEST
            ["Ccd:Auth:Authority"] = _provider.Issuer,
            ["Ccd:Auth:RequireHttpsMetadata"] = "false", // the fake serves plain HTTP on loopback
            ["Ccd:Auth:Audience"] = Audience,
            ["Ccd:Auth:S2sUrl"] = _provider.BaseAddress + "s2s",
            ["Ccd:Auth:UserInfoUrl"] = _provider.BaseAddress + "o/userinfo",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        return AuthProbeHost.StartAsync(postgres, configuration);
    }

    private string KnownService(string name)
    {
        var token = $"s2s-{name}-{Guid.NewGuid():N}";
        _provider.Services[token] = name;
        return token;
    }

    [Fact]
    public async Task a_provider_token_and_a_known_service_token_are_accepted_and_the_s2s_answer_is_cached()
    {
        await using var app = await StartDevAsync();
        _provider.Names["idam-9"] = ("Grace", "Hopper");
        var service = KnownService("ccd_data");
        using var client = app.CreateClient(_provider.UserToken("idam-9", Audience, claims: new Dictionary<string, object> { ["roles"] = new[] { "caseworker" } }), "bearer " + service);

        var first = await client.GetFromJsonAsync<CcdUser>(AuthProbeHost.PersistencePath, Cancel);
        var second = await client.GetFromJsonAsync<CcdUser>(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(("idam-9", "Grace", "Hopper"), (first!.Id, first.FirstName, first.LastName));
        Assert.Equal(["caseworker"], first.Roles);
        Assert.Empty(first.Courts);
        Assert.Equal(first.Id, second!.Id);
        Assert.Equal(1, _provider.DetailsCalls);
        Assert.Equal(1, _provider.UserInfoCalls);
    }

    [Fact]
    public async Task a_service_token_the_s2s_provider_does_not_know_is_401()
    {
        await using var app = await StartDevAsync();
        using var client = app.CreateClient(_provider.UserToken("idam-9", Audience), "unknown-s2s-token");

        // Again once the refusal is cached: a cached refusal is never taken for a known service.
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("does not recognise", (await response.Content.ReadFromJsonAsync<ProblemBody>(Cancel))!.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(1, _provider.DetailsCalls);
    }

    [Fact]
    public async Task a_known_service_that_is_not_allowed_is_403()
    {
        await using var app = await StartDevAsync();
        using var client = app.CreateClient(_provider.UserToken("idam-9", Audience), KnownService("xui_webapp"));

        using var response = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task an_s2s_provider_outage_is_503_not_401()
    {
        await using var app = await StartDevAsync();
        using var client = app.CreateClient(_provider.UserToken("idam-9", Audience), KnownService("ccd_data"));
        _provider.FailWith = 500;

        using var response = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("urn:ccd:problem:s2s-provider-unavailable", (await response.Content.ReadFromJsonAsync<ProblemBody>(Cancel))!.Type);
    }

    public static TheoryData<string> RejectedUserTokens() => ["expired", "wrong audience", "HS256 with the public test key", "alg none", "foreign RSA key"];

    [Theory]
    [MemberData(nameof(RejectedUserTokens))]
    public async Task user_tokens_the_provider_did_not_sign_validly_are_401(string kind)
    {
        await using var app = await StartDevAsync();
        using var foreignRsa = System.Security.Cryptography.RSA.Create(2048);
        var token = kind switch
        {
            "expired" => _provider.UserToken("idam-9", Audience, expiresIn: TimeSpan.FromHours(-1)),
            "wrong audience" => _provider.UserToken("idam-9", "another-api"),
            "HS256 with the public test key" => _provider.UserToken("idam-9", Audience, signing: new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(TestTokens.SigningKey)), SecurityAlgorithms.HmacSha256)),
            "alg none" => TestTokens.Mint(new Dictionary<string, object> { ["sub"] = "idam-9" }, Audience, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), key: null, issuer: _provider.Issuer),
            _ => _provider.UserToken("idam-9", Audience, signing: new SigningCredentials(new RsaSecurityKey(foreignRsa) { KeyId = "fake-idp-1" }, SecurityAlgorithms.RsaSha256)),
        };
        using var client = app.CreateClient(token, KnownService("ccd_data"));

        using var response = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task an_identity_provider_whose_metadata_cannot_be_fetched_is_503_not_401()
    {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        await using var app = await StartDevAsync(new Dictionary<string, string?> { ["Ccd:Auth:Authority"] = "http://127.0.0.1:9/o" });
        using var client = app.CreateClient(_provider.UserToken("idam-9", Audience), KnownService("ccd_data"));

        using var response = await client.GetAsync(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("urn:ccd:problem:identity-provider-unavailable", (await response.Content.ReadFromJsonAsync<ProblemBody>(Cancel))!.Type);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task dev_without_providers_refuses_to_start_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<Ccd.Runtime.Configuration.CcdStartupException>(() => StartDevAsync(new Dictionary<string, string?> { ["Ccd:Auth:S2sUrl"] = null }));

        Assert.Contains("Ccd:Auth:S2sUrl", error.Message, StringComparison.Ordinal);
    }
}
