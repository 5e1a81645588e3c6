using System.Security.Claims;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.Configuration;
using Ccd.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

/// <summary>
/// The user scheme as the runtime registers it (TEST, the test signing key), on the service's clock moved by hand:
/// a token JwtBearer verified is answered from the cache without JwtBearer, and everything else is JwtBearer's.
/// JwtBearer's runs are counted by its first event, which it raises for every request it authenticates.
/// </summary>
public sealed class UserTokenSchemeTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ServiceProvider _services;
    private int _jwtBearerRuns;

    public UserTokenSchemeTests()
    {
        var builder = WebApplication.CreateSlimBuilder(["--Ccd:Auth:SigningKey=" + TestTokens.SigningKey]);
        builder.AddCcdAuthentication(AppEnvironment.Test);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.PostConfigure<JwtBearerOptions>(CcdAuthentication.UserTokenVerificationScheme, options =>
        {
            var received = options.Events.OnMessageReceived;
            options.Events.OnMessageReceived = context =>
            {
                Interlocked.Increment(ref _jwtBearerRuns);
                return received(context);
            };
        });
        _services = builder.Services.BuildServiceProvider();
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private async Task<AuthenticateResult> AuthenticateAsync(string? authorization)
    {
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return await context.AuthenticateAsync(CcdAuthentication.UserScheme);
    }

    private string User(string id, TimeSpan lifetime) =>
        TestTokens.Mint(new Dictionary<string, object> { ["sub"] = id, ["uid"] = id, ["roles"] = "caseworker" },
            TestTokens.UserAudience, _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow() + lifetime);

    [Fact]
    public async Task a_verified_token_sent_again_is_answered_without_jwt_bearer_each_request_with_its_own_identity()
    {
        var token = User("idam-10", TimeSpan.FromHours(1));

        var first = await AuthenticateAsync("Bearer " + token);
        var again = await AuthenticateAsync("bearer   " + token + " ");
        var third = await AuthenticateAsync("Bearer " + token);

        Assert.Equal(1, _jwtBearerRuns);
        foreach (var result in new[] { first, again, third })
        {
            Assert.True(result.Succeeded);
            Assert.Equal(CcdAuthentication.UserScheme, result.Ticket!.AuthenticationScheme);
            var identity = CallerRequirementHandler.Identity(result.Principal!, CcdAuthentication.UserScheme);
            Assert.Equal("idam-10", identity?.FindFirst("uid")?.Value);
            Assert.Equal(["caseworker"], identity!.FindAll("roles").Select(claim => claim.Value));
        }

        // Claims one request adds never reach another.
        ((ClaimsIdentity)again.Principal!.Identity!).AddClaim(new Claim("added", "by one request"));
        Assert.Null(third.Principal!.FindFirst("added"));
        Assert.Null((await AuthenticateAsync("Bearer " + token)).Principal!.FindFirst("added"));
    }

    [Fact]
    public async Task a_cached_token_goes_back_to_jwt_bearer_once_its_expiry_or_the_cache_time_has_passed()
    {
        var shortLived = User("idam-11", TimeSpan.FromSeconds(20));
        Assert.True((await AuthenticateAsync("Bearer " + shortLived)).Succeeded);
        _time.Advance(TimeSpan.FromSeconds(19));
        Assert.True((await AuthenticateAsync("Bearer " + shortLived)).Succeeded);
        Assert.Equal(1, _jwtBearerRuns);

        _time.Advance(TimeSpan.FromSeconds(2)); // past the token's exp on the service's clock
        await AuthenticateAsync("Bearer " + shortLived);
        Assert.Equal(2, _jwtBearerRuns);

        var token = User("idam-12", TimeSpan.FromHours(1));
        Assert.True((await AuthenticateAsync("Bearer " + token)).Succeeded);
        _time.Advance(TimeSpan.FromSeconds(61)); // past the default cache time of 60 s
        Assert.True((await AuthenticateAsync("Bearer " + token)).Succeeded);
        Assert.Equal(4, _jwtBearerRuns);
    }

    public static TheoryData<string, string> RefusedTokens() => new()
    {
        { "expired", TestTokens.ExpiredUser("idam-13") },
        { "wrong key", TestTokens.UserSignedWithWrongKey("idam-13") },
        { "wrong audience", TestTokens.UserForWrongAudience("idam-13") },
        { "alg none", TestTokens.UnsignedUser("idam-13") },
        { "a service token", TestTokens.Service("idam-13") },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task a_refused_token_is_refused_by_jwt_bearer_every_time_with_its_reason(string why, string token)
    {
        for (var i = 0; i < 3; i++)
        {
            var result = await AuthenticateAsync("Bearer " + token);
            Assert.False(result.Succeeded, why);
            Assert.NotNull(result.Failure);
        }

        Assert.Equal(3, _jwtBearerRuns);
    }

    [Fact]
    public async Task a_forged_token_is_refused_while_the_genuine_one_is_cached()
    {
        var genuine = User("idam-14", TimeSpan.FromHours(1));
        Assert.True((await AuthenticateAsync("Bearer " + genuine)).Succeeded);

        // Another user's claims under the genuine token's signature.
        var other = User("admin", TimeSpan.FromHours(1)).Split('.');
        var forged = string.Join('.', other[0], other[1], genuine.Split('.')[2]);
        for (var i = 0; i < 2; i++)
        {
            var refused = await AuthenticateAsync("Bearer " + forged);
            Assert.False(refused.Succeeded);
            Assert.IsAssignableFrom<Microsoft.IdentityModel.Tokens.SecurityTokenInvalidSignatureException>(refused.Failure);
        }

        Assert.Equal(3, _jwtBearerRuns);
        Assert.Equal("idam-14", (await AuthenticateAsync("Bearer " + genuine)).Principal!.FindFirst("uid")?.Value);
        Assert.Equal(3, _jwtBearerRuns);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task no_bearer_token_is_jwt_bearer_s_no_result(string? header)
    {
        var result = await AuthenticateAsync(header);

        Assert.True(result.None);
        Assert.Equal(1, _jwtBearerRuns);
    }

    [Fact]
    public async Task a_cached_token_in_a_repeated_authorization_header_is_left_to_jwt_bearer()
    {
        var token = User("idam-15", TimeSpan.FromHours(1));
        Assert.True((await AuthenticateAsync("Bearer " + token)).Succeeded);

        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = new Microsoft.Extensions.Primitives.StringValues(["Bearer " + token, "Bearer " + token]);
        var result = await context.AuthenticateAsync(CcdAuthentication.UserScheme);

        Assert.False(result.Succeeded); // JwtBearer reads the two joined by a comma: not a JWT
        Assert.Equal(2, _jwtBearerRuns);
    }
}
