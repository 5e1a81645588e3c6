using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// JwtBearer's token handler for user tokens: <paramref name="inner"/> (a <see cref="JsonWebTokenHandler"/>) verifies
/// a token the first time, and <see cref="VerifiedTokenCache"/> answers the same token again without parsing it or
/// checking its signature, each request getting its own copy of the verified identity. Refusals are never cached.
/// (<see cref="UserTokenAuthenticationHandler"/> answers most cached tokens before JwtBearer is asked at all.)
/// </summary>
internal sealed class CachedUserTokenHandler(TokenHandler inner, VerifiedTokenCache cache) : TokenHandler
{
    private const string Kind = "ccd-user:";

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var key = VerifiedTokenCache.KeyOf(Kind, token);
        if (cache.TryGet<VerifiedUser>(key, out var known))
        {
            return known.Result();
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken verified && result.ClaimsIdentity is { } identity)
        {
            cache.Remember(key, new VerifiedUser(verified, identity.Clone(), result.Issuer, result.TokenType), verified.ValidTo);
        }

        return result;
    }

    /// <summary>
    /// A copy of the identity of <paramref name="token"/> if it verified and is still cached (what
    /// <see cref="UserTokenAuthenticationHandler"/> answers without JwtBearer); null otherwise.
    /// </summary>
    public static ClaimsIdentity? KnownIdentity(VerifiedTokenCache cache, ReadOnlySpan<char> token) =>
        cache.TryGet<VerifiedUser>(VerifiedTokenCache.KeyOf(Kind, token), out var known) ? known.Identity.Clone() : null;

    /// <summary>A verified token and its identity, which is copied for every request (a caller may add claims to its own).</summary>
    private sealed record VerifiedUser(JsonWebToken Token, ClaimsIdentity Identity, string Issuer, string TokenType)
    {
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
