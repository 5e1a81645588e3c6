using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Ccd.Runtime.Authentication;

/// <summary>How tokens are verified in each environment.</summary>
internal static class TokenValidation
{
    /// <summary>Asymmetric algorithms only outside LOCAL/TEST: a symmetric one would let anyone holding the public
    /// key forge tokens (algorithm confusion), and <c>none</c> is never in the list.</summary>
    private static readonly string[] IdentityProviderAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static void ConfigureUserTokens(JwtBearerOptions options, CcdAuthSettings settings)
    {
        // Keep claim names as issued (sub stays sub, roles stays roles) instead of the legacy SOAP URIs.
        options.MapInboundClaims = false;
        options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        options.SaveToken = false;
        if (settings.UsesSigningKey)
        {
            options.TokenValidationParameters = Common(settings, settings.Audiences);
            return;
        }

        options.Authority = settings.Authority;
        if (settings.MetadataAddress is not null)
        {
            options.MetadataAddress = settings.MetadataAddress;
        }

        options.Audience = settings.Audience;
        var parameters = Common(settings, settings.Audiences);
        parameters.IssuerSigningKey = null;
        parameters.ValidAlgorithms = IdentityProviderAlgorithms;
        // With no override the issuer comes from the metadata document, which JwtBearer fills in.
        parameters.ValidIssuer = settings.Issuer;
        options.TokenValidationParameters = parameters;
        // The framework refreshes keys for an unknown key id only after refusing the token, and at most every five
        // minutes; SigningKeyRefresh fetches them before validation, at most once per SigningKeyRefreshSeconds.
        options.RefreshOnIssuerKeyNotFound = false;
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = SigningKeyRefresh.BeforeValidationAsync,
            OnAuthenticationFailed = SigningKeyRefresh.ThrowIfMetadataUnavailable,
        };
    }

    /// <summary>Service tokens of LOCAL/TEST: the shared key, the S2S audience, the service name in <c>sub</c>.</summary>
    public static TokenValidationParameters DevServiceTokens(CcdAuthSettings settings) =>
        Common(settings, [CcdAuthSettings.DevServiceAudience]);

    private static TokenValidationParameters Common(CcdAuthSettings settings, IReadOnlyList<string> audiences) => new()
    {
        ValidateIssuer = true,
        ValidIssuer = settings.Issuer,
        ValidateAudience = true,
        ValidAudiences = audiences,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = settings.SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = settings.ClockSkew,
        NameClaimType = "sub",
        RoleClaimType = "roles",
        AuthenticationType = CcdAuthentication.UserScheme,
    };
}
