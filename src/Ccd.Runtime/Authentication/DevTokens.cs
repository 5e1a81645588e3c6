using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ccd.Runtime.Authentication;

/// <summary>Mints the HS256 tokens LOCAL and TEST accept: user tokens for the configured audience, service tokens for
/// <see cref="CcdAuthSettings.DevServiceAudience"/> with the service name as <c>sub</c>.</summary>
internal static class DevTokens
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public static string User(CcdAuthSettings settings, DateTimeOffset now, string id, IReadOnlyList<string> roles, IReadOnlyList<string> courts, string? firstName, string? lastName)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = id,
            ["uid"] = id,
            // Arrays, never one comma-joined string: the IDAM convention, and what the resolver expects.
            ["roles"] = roles.ToArray(),
            ["courts"] = courts.ToArray(),
        };
        if (!string.IsNullOrEmpty(firstName))
        {
            claims[JwtRegisteredClaimNames.GivenName] = firstName;
        }

        if (!string.IsNullOrEmpty(lastName))
        {
            claims[JwtRegisteredClaimNames.FamilyName] = lastName;
        }

        return Create(settings, now, settings.Audience, claims);
    }

    public static string Service(CcdAuthSettings settings, DateTimeOffset now, string name) =>
        Create(settings, now, CcdAuthSettings.DevServiceAudience, new Dictionary<string, object>(StringComparer.Ordinal) { [JwtRegisteredClaimNames.Sub] = name });

    private static string Create(CcdAuthSettings settings, DateTimeOffset now, string audience, Dictionary<string, object> claims)
    {
        var key = settings.SigningKey ?? throw new InvalidOperationException("Development tokens exist only in LOCAL and TEST.");
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
