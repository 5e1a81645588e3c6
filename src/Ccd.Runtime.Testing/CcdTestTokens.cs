using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ccd.Runtime.Testing;

/// <summary>
/// Tokens a host started by <see cref="CcdTestHost"/> accepts (APP_ENV=TEST, signed with <see cref="SigningKey"/>):
/// users with roles and courts as IdAM issues them, and S2S service tokens.
/// </summary>
public static class CcdTestTokens
{
    /// <summary>The HS256 key of test runs. Test-only: never configure it anywhere else.</summary>
    public const string SigningKey = "ccd-test-signing-key-for-automated-tests-only-0001";

    /// <summary>The issuer the runtime expects of tokens in LOCAL and TEST by default.</summary>
    public const string Issuer = "ccd-dev-tokens";

    /// <summary>The audience of user tokens in LOCAL and TEST by default.</summary>
    public const string UserAudience = "ccd-runtime";

    /// <summary>The audience of service tokens in LOCAL and TEST.</summary>
    public const string ServiceAudience = "ccd-s2s";

    /// <summary>The service CCD's data store calls as.</summary>
    public const string CcdData = "ccd_data";

    /// <summary>A user token valid for an hour, with <c>uid</c>/<c>sub</c> = <paramref name="id"/>, roles, courts and optional names.</summary>
    public static string User(string id = "user-1", IEnumerable<string>? roles = null, IEnumerable<string>? courts = null, string? firstName = null, string? lastName = null) =>
        Mint(UserClaims(id, roles, courts, firstName, lastName), UserAudience, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));

    /// <summary>The claims of a user token as IdAM issues them (<c>sub</c>, <c>uid</c>, JSON-array roles and courts, names), for <see cref="Mint"/>.</summary>
    public static Dictionary<string, object> UserClaims(string id, IEnumerable<string>? roles = null, IEnumerable<string>? courts = null, string? firstName = null, string? lastName = null)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = id,
            ["uid"] = id,
            ["roles"] = (roles ?? []).ToArray(),
            ["courts"] = (courts ?? []).ToArray(),
        };
        if (firstName is not null)
        {
            claims["given_name"] = firstName;
        }

        if (lastName is not null)
        {
            claims["family_name"] = lastName;
        }

        return claims;
    }

    /// <summary>A service token valid for an hour for <paramref name="name"/>.</summary>
    public static string Service(string name = CcdData) =>
        Mint(new Dictionary<string, object>(StringComparer.Ordinal) { ["sub"] = name }, ServiceAudience, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));

    /// <summary>Any token: <paramref name="key"/> null means unsigned (<c>alg: none</c>), for tests of refusals.</summary>
    public static string Mint(IDictionary<string, object> claims, string audience, DateTimeOffset notBefore, DateTimeOffset expires, string? key = SigningKey, string issuer = Issuer)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore.UtcDateTime,
            NotBefore = notBefore.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = key is null ? null : new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
