using System.Diagnostics.CodeAnalysis;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// LOCAL and TEST: a service token is a JWT signed with the shared key whose <c>sub</c> is the service name. A token
/// that verified is answered from <see cref="VerifiedTokenCache"/> when sent again.
/// </summary>
internal sealed class DevServiceTokenVerifier(CcdAuthSettings settings, VerifiedTokenCache cache) : IServiceTokenVerifier
{
    private const string Kind = "ccd-dev-service:";

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    private readonly TokenValidationParameters _parameters = TokenValidation.DevServiceTokens(settings);

    public bool TryGetKnown(ReadOnlySpan<char> token, [NotNullWhen(true)] out string? serviceName) =>
        cache.TryGet(VerifiedTokenCache.KeyOf(Kind, token), out serviceName);

    public async Task<ServiceTokenResult> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        var key = VerifiedTokenCache.KeyOf(Kind, token);
        if (cache.TryGet<string>(key, out var known))
        {
            return ServiceTokenResult.Valid(known);
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid)
        {
            return ServiceTokenResult.Invalid(TokenFailures.Describe(result.Exception, "service token"));
        }

        if (!result.Claims.TryGetValue(JwtRegisteredClaimNames.Sub, out var sub) || sub is not string name || name.Length == 0)
        {
            return ServiceTokenResult.Invalid("The service token has no sub claim naming the service.");
        }

        cache.Remember(key, name, result.SecurityToken.ValidTo);
        return ServiceTokenResult.Valid(name);
    }
}
