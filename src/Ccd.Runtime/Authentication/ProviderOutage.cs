using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Ccd.Runtime.Authentication;

/// <summary>Outages of the identity provider, told apart from bad tokens so that they are answered 503, not 401.</summary>
internal static class ProviderOutage
{
    public static ProblemException IdentityProviderUnavailable(string detail) =>
        new(503, "identity-provider-unavailable", "The identity provider is unavailable.", detail);

    /// <summary>
    /// After a user token failed in DEV/PROD: throws a 503 if the reason may be that the provider's metadata (issuer,
    /// signing keys) could not be fetched. JwtBearer swallows that fetch error and reports the token as invalid,
    /// so the configuration manager is asked again; once metadata is cached this answers at once.
    /// </summary>
    public static async Task ThrowIfMetadataUnavailableAsync(JwtBearerOptions options, CancellationToken cancellationToken)
    {
        if (options.ConfigurationManager is null)
        {
            return;
        }

        try
        {
            await options.ConfigurationManager.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw IdentityProviderUnavailable("The identity provider's metadata could not be fetched to verify the user token. Retry later.");
        }
    }
}
