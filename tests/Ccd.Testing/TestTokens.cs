using Ccd.Runtime.Authentication;

namespace Ccd.Testing;

/// <summary>
/// Tokens for APP_ENV=TEST, signed with <see cref="SigningKey"/> (which <see cref="TestServiceApp"/> and
/// <see cref="ServiceProcess"/> configure by default), plus broken variants for security tests.
/// </summary>
public static class TestTokens
{
    /// <summary>The HS256 key of test runs. Test-only: never configure it anywhere else.</summary>
    public const string SigningKey = Ccd.Runtime.Testing.CcdTestTokens.SigningKey;

    /// <summary>The issuer LOCAL/TEST expect by default.</summary>
    public const string Issuer = CcdAuthSettings.DefaultDevIssuer;

    /// <summary>The audience of user tokens in LOCAL/TEST by default.</summary>
    public const string UserAudience = CcdAuthSettings.DefaultDevAudience;

    /// <summary>The audience of service tokens in LOCAL/TEST.</summary>
    public const string ServiceAudience = CcdAuthSettings.DevServiceAudience;

    /// <summary>The service CCD's data store calls as.</summary>
    public const string CcdData = "ccd_data";

    /// <summary>A valid user token (one hour) with <c>uid</c> and <c>sub</c> = <paramref name="id"/>, JSON-array roles and courts.</summary>
    public static string User(string id = "user-1", IEnumerable<string>? roles = null, IEnumerable<string>? courts = null, string? firstName = null, string? lastName = null) =>
        Ccd.Runtime.Testing.CcdTestTokens.User(id, roles, courts, firstName, lastName);

    /// <summary>A valid service token (one hour) for <paramref name="name"/>.</summary>
    public static string Service(string name = CcdData) => Ccd.Runtime.Testing.CcdTestTokens.Service(name);

    /// <summary>A user token that expired an hour ago.</summary>
    public static string ExpiredUser(string id = "user-1") =>
        Mint(UserClaims(id), UserAudience, DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddHours(-1));

    /// <summary>A user token valid only from an hour from now.</summary>
    public static string NotYetValidUser(string id = "user-1") =>
        Mint(UserClaims(id), UserAudience, DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow.AddHours(2));

    /// <summary>A user token signed with another key.</summary>
    public static string UserSignedWithWrongKey(string id = "user-1") =>
        Mint(UserClaims(id), UserAudience, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), key: "another-key-that-nobody-configured-0123456789");

    /// <summary>A user token for another audience.</summary>
    public static string UserForWrongAudience(string id = "user-1") =>
        Mint(UserClaims(id), "some-other-api", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));

    /// <summary>An unsigned user token (<c>alg: none</c>).</summary>
    public static string UnsignedUser(string id = "user-1") =>
        Mint(UserClaims(id), UserAudience, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), key: null);

    /// <summary>A service token that expired an hour ago.</summary>
    public static string ExpiredService(string name = CcdData) =>
        Mint(ServiceClaims(name), ServiceAudience, DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddHours(-1));

    /// <summary>A service token signed with another key.</summary>
    public static string ServiceSignedWithWrongKey(string name = CcdData) =>
        Mint(ServiceClaims(name), ServiceAudience, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), key: "another-key-that-nobody-configured-0123456789");

    /// <summary>An unsigned service token (<c>alg: none</c>).</summary>
    public static string UnsignedService(string name = CcdData) =>
        Mint(ServiceClaims(name), ServiceAudience, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), key: null);

    /// <summary>Any token: <paramref name="key"/> null means unsigned (<c>alg: none</c>).</summary>
    public static string Mint(IDictionary<string, object> claims, string audience, DateTimeOffset notBefore, DateTimeOffset expires, string? key = SigningKey, string issuer = Issuer) =>
        Ccd.Runtime.Testing.CcdTestTokens.Mint(claims, audience, notBefore, expires, key, issuer);

    private static Dictionary<string, object> UserClaims(string id) => Ccd.Runtime.Testing.CcdTestTokens.UserClaims(id);

    private static Dictionary<string, object> ServiceClaims(string name) => new(StringComparer.Ordinal) { ["sub"] = name };
}
