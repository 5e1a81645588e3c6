using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ccd.Testing.FakeCcd;

/// <summary>
/// IdAM's password grant (<c>POST /o/token</c>, form encoded) and <c>GET /o/userinfo</c>. Tokens are JWTs the test
/// service accepts (signed with <see cref="TestTokens.SigningKey"/>); their IdAM lifetime runs on the fake's clock,
/// and a token past it is refused by <c>/o/userinfo</c> and by the fake data store.
/// </summary>
public sealed class FakeIdam
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (FakeIdamUser User, DateTimeOffset Expires)> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeIdamUser> _users = new(StringComparer.Ordinal);
    private int _grants;

    internal FakeIdam(TimeProvider time) => _time = time;

    /// <summary>The OAuth client IdAM knows.</summary>
    public string ClientId { get; set; } = "ccd-service";

    /// <summary>The client's secret.</summary>
    public string ClientSecret { get; set; } = "client-secret-for-tests";

    /// <summary>The client's registered redirect URI.</summary>
    public string RedirectUri { get; set; } = "https://service.example/oauth2/callback";

    /// <summary>What <c>expires_in</c> says and how long a token stays valid. Default 8 hours, as IdAM's.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Every token issued so far (for tests that check none leaks into logs).</summary>
    public IReadOnlyList<string> IssuedTokens => [.. _issued.Keys];

    /// <summary>Password grants answered with a token so far.</summary>
    public int Grants => _grants;

    /// <summary>Adds a user who may sign in with the password grant.</summary>
    public FakeIdamUser AddUser(string username, string password, string uid, params string[] roles)
    {
        var user = new FakeIdamUser(username, password, uid, roles);
        _users[username] = user;
        return user;
    }

    /// <summary>The user of a bearer token that is still valid, or null.</summary>
    public FakeIdamUser? Validate(string? authorization)
    {
        var token = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..] : authorization;
        return token is not null && _issued.TryGetValue(token, out var issued) && _time.GetUtcNow() < issued.Expires ? issued.User : null;
    }

    internal void Map(WebApplication app)
    {
        app.MapPost("/o/token", async (HttpRequest request) =>
        {
            if (!request.HasFormContentType)
            {
                return Results.Json(new { error = "invalid_request" }, statusCode: 400);
            }

            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "password" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret || form["redirect_uri"] != RedirectUri)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }

            if (!_users.TryGetValue(form["username"].ToString(), out var user) || user.Password != form["password"])
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 401);
            }

            Interlocked.Increment(ref _grants);
            var claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["sub"] = user.Username, ["uid"] = user.Uid, ["roles"] = user.Roles, ["given_name"] = "System", ["family_name"] = "User",
                ["jti"] = Guid.NewGuid().ToString(),
            };
            // Valid for the service for an hour of real time; IdAM's own validity follows the fake clock.
            var token = TestTokens.Mint(claims, TestTokens.UserAudience, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));
            _issued[token] = (user, _time.GetUtcNow() + TokenLifetime);
            return Results.Json(new Dictionary<string, object?>
            {
                ["access_token"] = token, ["expires_in"] = (long)TokenLifetime.TotalSeconds, ["id_token"] = token,
                ["refresh_token"] = null, ["scope"] = form["scope"].ToString(), ["token_type"] = "Bearer",
            });
        });
        app.MapGet("/o/userinfo", (HttpRequest request) => Validate(request.Headers.Authorization) is { } user
            ? Results.Json(new Dictionary<string, object?>
            {
                ["sub"] = user.Username, ["uid"] = user.Uid, ["name"] = "System User", ["given_name"] = "System", ["family_name"] = "User", ["roles"] = user.Roles,
            })
            : Results.Json(new { error = "invalid_token" }, statusCode: 401));
    }
}

/// <summary>A user of <see cref="FakeIdam"/>.</summary>
public sealed record FakeIdamUser(string Username, string Password, string Uid, string[] Roles);
