using System.Security.Claims;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.Configuration;
using Ccd.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

/// <summary>
/// The cache of verified tokens, with the real token handler behind it (counted) and the service's clock moved by
/// hand (the handler itself checks lifetimes on the system clock, which these tests do not move).
/// </summary>
public sealed class VerifiedTokenCacheTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly AuthenticationCache _entries = new();
    private readonly CountingHandler _verifier = new();

    public void Dispose() => _entries.Dispose();

    private static CcdAuthSettings Settings(int cacheSeconds = 60) => new()
    {
        Environment = AppEnvironment.Test,
        SigningKey = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(TestTokens.SigningKey)) { KeyId = "ccd-dev" },
        Issuer = TestTokens.Issuer,
        Audiences = [TestTokens.UserAudience],
        AllowedServices = new HashSet<string>([TestTokens.CcdData], StringComparer.Ordinal),
        TokenCacheDuration = TimeSpan.FromSeconds(cacheSeconds),
    };

    private (CachedUserTokenHandler Handler, TokenValidationParameters Parameters) UserTokens(CcdAuthSettings settings)
    {
        var options = new JwtBearerOptions();
        TokenValidation.ConfigureUserTokens(options, settings);
        return (new CachedUserTokenHandler(_verifier, new VerifiedTokenCache(_entries, settings, _time)), options.TokenValidationParameters);
    }

    private string User(string id, TimeSpan lifetime) =>
        TestTokens.Mint(new Dictionary<string, object> { ["sub"] = id, ["uid"] = id, ["roles"] = "caseworker" },
            TestTokens.UserAudience, _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow() + lifetime);

    [Fact]
    public async Task a_verified_user_token_is_verified_once_within_the_cache_time_and_again_after_it()
    {
        var (handler, parameters) = UserTokens(Settings());
        var token = User("idam-1", TimeSpan.FromHours(1));

        var results = new List<TokenValidationResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await handler.ValidateTokenAsync(token, parameters));
        }

        Assert.All(results, result => Assert.True(result.IsValid));
        Assert.All(results, result => Assert.Equal("idam-1", result.ClaimsIdentity.FindFirst("uid")?.Value));
        Assert.Equal(1, _verifier.Calls);
        // Each request gets its own identity: claims one request adds never reach another.
        results[1].ClaimsIdentity.AddClaim(new Claim("added", "by one request"));
        Assert.Null(results[2].ClaimsIdentity.FindFirst("added"));
        Assert.Null((await handler.ValidateTokenAsync(token, parameters)).ClaimsIdentity.FindFirst("added"));
        Assert.Equal(results[0].ClaimsIdentity.GetType(), results[1].ClaimsIdentity.GetType());

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.Equal(1, _verifier.Calls);

        _time.Advance(TimeSpan.FromSeconds(2)); // past the default 60 s
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.Equal(2, _verifier.Calls);
    }

    [Fact]
    public async Task a_cached_token_is_verified_again_once_its_own_expiry_has_passed_even_within_the_cache_time()
    {
        var (handler, parameters) = UserTokens(Settings(cacheSeconds: 3600));
        var token = User("idam-2", TimeSpan.FromSeconds(20));
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        _time.Advance(TimeSpan.FromSeconds(19));
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.Equal(1, _verifier.Calls);

        _time.Advance(TimeSpan.FromSeconds(2)); // past the token's exp on the service's clock
        await handler.ValidateTokenAsync(token, parameters);

        Assert.Equal(2, _verifier.Calls);
    }

    [Fact]
    public async Task an_expired_token_is_refused_every_time()
    {
        var (handler, parameters) = UserTokens(Settings());
        var expired = TestTokens.ExpiredUser("idam-5");

        for (var i = 0; i < 3; i++)
        {
            var result = await handler.ValidateTokenAsync(expired, parameters);
            Assert.False(result.IsValid);
            Assert.IsType<SecurityTokenExpiredException>(result.Exception);
        }

        Assert.Equal(3, _verifier.Calls);
    }

    [Fact]
    public async Task refusals_are_never_cached_and_a_forged_token_is_refused_while_the_genuine_one_is_cached()
    {
        var (handler, parameters) = UserTokens(Settings());
        var genuine = User("idam-3", TimeSpan.FromHours(1));
        Assert.True((await handler.ValidateTokenAsync(genuine, parameters)).IsValid);

        // Another user's claims under the genuine token's signature.
        var other = User("admin", TimeSpan.FromHours(1)).Split('.');
        var forged = string.Join('.', other[0], other[1], genuine.Split('.')[2]);
        var wrongKey = TestTokens.UserSignedWithWrongKey("idam-3");
        for (var i = 0; i < 3; i++)
        {
            Assert.False((await handler.ValidateTokenAsync(forged, parameters)).IsValid);
            Assert.False((await handler.ValidateTokenAsync(wrongKey, parameters)).IsValid);
        }

        Assert.Equal(1 + 6, _verifier.Calls);
        Assert.Equal("idam-3", (await handler.ValidateTokenAsync(genuine, parameters)).ClaimsIdentity.FindFirst("uid")?.Value);
        Assert.Equal(7, _verifier.Calls);
    }

    [Fact]
    public async Task with_no_cache_time_every_use_is_verified()
    {
        var (handler, parameters) = UserTokens(Settings(cacheSeconds: 0));
        var token = User("idam-4", TimeSpan.FromHours(1));

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        }

        Assert.Equal(3, _verifier.Calls);
    }

    [Fact]
    public async Task a_dev_service_token_is_answered_from_the_cache_and_a_forged_one_is_refused()
    {
        var settings = Settings();
        var verifier = new DevServiceTokenVerifier(settings, new VerifiedTokenCache(_entries, settings, _time));
        var genuine = TestTokens.Service(TestTokens.CcdData);
        var other = TestTokens.Service("another_service").Split('.');
        var forged = string.Join('.', other[0], other[1], genuine.Split('.')[2]);

        Assert.Equal(TestTokens.CcdData, (await verifier.VerifyAsync(genuine, TestContext.Current.CancellationToken)).ServiceName);
        Assert.Equal(TestTokens.CcdData, (await verifier.VerifyAsync(genuine, TestContext.Current.CancellationToken)).ServiceName);
        var refused = await verifier.VerifyAsync(forged, TestContext.Current.CancellationToken);

        Assert.Null(refused.ServiceName);
        Assert.Equal("The service token signature is not valid.", refused.Failure);

        // What the service scheme asks first: only the token that verified is known, until its cache time is over.
        Assert.True(verifier.TryGetKnown(genuine, out var known));
        Assert.Equal(TestTokens.CcdData, known);
        Assert.False(verifier.TryGetKnown(forged, out _));
        Assert.False(verifier.TryGetKnown(TestTokens.Service("never_sent"), out _));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(verifier.TryGetKnown(genuine, out _));
    }

    /// <summary>The real handler, counting the tokens it is asked to verify.</summary>
    private sealed class CountingHandler : JsonWebTokenHandler
    {
        private int _calls;

        public CountingHandler() => MapInboundClaims = false;

        public int Calls => _calls;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _calls);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }
}
