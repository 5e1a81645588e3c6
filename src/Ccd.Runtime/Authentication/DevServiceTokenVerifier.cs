using Microsoft.IdentityModel.JsonWebTokens;

namespace Ccd.Runtime.Authentication;

/// <summary>LOCAL and TEST: a service token is a JWT signed with the shared key whose <c>sub</c> is the service name.</summary>
internal sealed class DevServiceTokenVerifier(CcdAuthSettings settings) : IServiceTokenVerifier
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<ServiceTokenResult> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        var result = await _handler.ValidateTokenAsync(token, TokenValidation.DevServiceTokens(settings));
        if (!result.IsValid)
        {
            return ServiceTokenResult.Invalid(TokenFailures.Describe(result.Exception, "service token"));
        }

        return result.Claims.TryGetValue(JwtRegisteredClaimNames.Sub, out var sub) && sub is string name && name.Length > 0
            ? ServiceTokenResult.Valid(name)
            : ServiceTokenResult.Invalid("The service token has no sub claim naming the service.");
    }
}
