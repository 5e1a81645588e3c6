using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ccd.Runtime.Tests.Authentication;

/// <summary>
/// A stand-in for the third-party systems of DEV and PROD, served over real HTTP on loopback: an OIDC identity
/// provider (discovery document, JWKS, userinfo) under <c>/o</c> and an HMCTS-style S2S provider
/// (<c>GET /s2s/details</c>) under <c>/s2s</c>. It counts the calls so tests can see what was cached.
/// </summary>
internal sealed class FakeIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly ConcurrentQueue<RsaSecurityKey> _published = new();
    private int _userInfoCalls;
    private int _detailsCalls;
    private int _jwksCalls;

    private FakeIdentityProvider(WebApplication app)
    {
        _app = app;
        _key = new RsaSecurityKey(_rsa) { KeyId = "fake-idp-1" };
        _published.Enqueue(_key);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public string Issuer => BaseAddress + "o";

    /// <summary>Names answered by userinfo, by user id (the token's sub).</summary>
    public ConcurrentDictionary<string, (string First, string Last)> Names { get; } = new();

    /// <summary>Service names answered by <c>/details</c>, by token.</summary>
    public ConcurrentDictionary<string, string> Services { get; } = new();

    /// <summary>When set, <c>/details</c> and userinfo answer this status instead (an outage).</summary>
    public int? FailWith { get; set; }

    public int UserInfoCalls => Volatile.Read(ref _userInfoCalls);

    public int DetailsCalls => Volatile.Read(ref _detailsCalls);

    public int JwksCalls => Volatile.Read(ref _jwksCalls);

    /// <summary>Signing credentials of a new key; published in the JWKS from now on when <paramref name="publish"/>.</summary>
    public SigningCredentials NewKey(string keyId, bool publish)
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = keyId };
        if (publish)
        {
            _published.Enqueue(key);
        }

        return new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
    }

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new FakeIdentityProvider(app);
        provider.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return provider;
    }

    /// <summary>An RS256 access token signed by this provider.</summary>
    public string UserToken(string sub, string audience, TimeSpan? expiresIn = null, IDictionary<string, object>? claims = null, SigningCredentials? signing = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromHours(1));
        var notBefore = expires.AddHours(-1) < now ? expires.AddHours(-1) : now;
        var all = new Dictionary<string, object>(claims ?? new Dictionary<string, object>()) { ["sub"] = sub };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Claims = all,
            SigningCredentials = signing ?? new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/o/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = BaseAddress + "o/jwks",
            ["userinfo_endpoint"] = BaseAddress + "o/userinfo",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/o/jwks", () =>
        {
            Interlocked.Increment(ref _jwksCalls);
            return Results.Json(new
            {
                keys = _published.Select(key =>
                {
                    var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
                    return new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) };
                }).ToArray(),
            });
        });
        app.MapGet("/o/userinfo", (HttpContext context) =>
        {
            Interlocked.Increment(ref _userInfoCalls);
            if (FailWith is { } status)
            {
                return Results.StatusCode(status);
            }

            var token = Bearer(context);
            if (token is null)
            {
                return Results.Unauthorized();
            }

            var sub = new JsonWebToken(token).Subject;
            return Names.TryGetValue(sub, out var names)
                ? Results.Json(new { sub, uid = sub, given_name = names.First, family_name = names.Last })
                : Results.Json(new { sub, uid = sub });
        });
        app.MapGet("/s2s/details", (HttpContext context) =>
        {
            Interlocked.Increment(ref _detailsCalls);
            if (FailWith is { } status)
            {
                return Results.StatusCode(status);
            }

            var token = Bearer(context);
            return token is not null && Services.TryGetValue(token, out var name) ? Results.Text(name) : Results.Unauthorized();
        });
    }

    private static string? Bearer(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
