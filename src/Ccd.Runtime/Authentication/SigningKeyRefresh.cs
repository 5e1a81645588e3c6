using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// DEV and PROD: a user token signed with a key id the cached keys do not hold makes the identity provider's
/// metadata be fetched again before the token is validated, so a newly published key is accepted at once. At most
/// one such fetch per <see cref="CcdAuthSettings.SigningKeyRefreshInterval"/>, so tokens with made-up key ids
/// cannot make the service flood the provider.
/// </summary>
internal sealed partial class SigningKeyRefresh(TimeProvider time, CcdAuthSettings settings, ILogger<SigningKeyRefresh> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _lastFetch = DateTimeOffset.MinValue;

    /// <summary>The <see cref="JwtBearerEvents.OnMessageReceived"/> hook.</summary>
    public static Task BeforeValidationAsync(MessageReceivedContext context) =>
        context.HttpContext.RequestServices.GetRequiredService<SigningKeyRefresh>()
            .EnsureKnownAsync(context.Options, context.Request, context.HttpContext.RequestAborted);

    /// <summary>
    /// The <see cref="JwtBearerEvents.OnAuthenticationFailed"/> hook: the metadata (issuer, keys) could not be fetched,
    /// so the token may be fine and the provider down; answered 503 with Retry-After, never 401.
    /// </summary>
    public static Task ThrowIfMetadataUnavailable(AuthenticationFailedContext context)
    {
        for (var cause = context.Exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is IOException or HttpRequestException && context.Exception is InvalidOperationException or IOException or HttpRequestException)
            {
                throw ProviderOutage.IdentityProviderUnavailable("The identity provider's metadata could not be fetched to verify the user token. Retry later.");
            }
        }

        return Task.CompletedTask;
    }

    public async Task EnsureKnownAsync(JwtBearerOptions options, HttpRequest request, CancellationToken cancellationToken)
    {
        if (options.ConfigurationManager is not ReplaceableConfiguration holder || options.MetadataAddress is null || KeyId(request) is not { } keyId)
        {
            return;
        }

        if (await KnowsAsync(options, keyId, cancellationToken) is not false)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have fetched the keys while this one waited.
            var now = time.GetUtcNow();
            if (await KnowsAsync(options, keyId, cancellationToken) is not false || now < _lastFetch + settings.SigningKeyRefreshInterval)
            {
                return;
            }

            _lastFetch = now;
            var fresh = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.MetadataAddress,
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(options.Backchannel) { RequireHttps = options.RequireHttpsMetadata })
            {
                AutomaticRefreshInterval = options.AutomaticRefreshInterval,
                RefreshInterval = options.RefreshInterval,
            };
            try
            {
                var configuration = await fresh.GetConfigurationAsync(cancellationToken);
                // Swapped only once the fetch succeeded: a provider outage keeps the keys known so far.
                holder.Current = fresh;
                LogRefreshed(keyId, configuration.SigningKeys.Count);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRefreshFailed(keyId, exception.GetType().Name);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// Wraps the configuration manager JwtBearer made (a post-configure step after its own), so it can be replaced.
    /// Not a <c>BaseConfigurationManager</c>, on purpose: given one, the token handler would also refresh on its
    /// own after an unknown key id, outside this class's rate limit.
    /// </summary>
    internal sealed class ReplaceableConfiguration(IConfigurationManager<OpenIdConnectConfiguration> initial) : IConfigurationManager<OpenIdConnectConfiguration>
    {
        private volatile IConfigurationManager<OpenIdConnectConfiguration> _current = initial;

        public IConfigurationManager<OpenIdConnectConfiguration> Current
        {
            get => _current;
            set => _current = value;
        }

        public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) => _current.GetConfigurationAsync(cancel);

        public void RequestRefresh() => _current.RequestRefresh();
    }

    /// <summary>Installs <see cref="ReplaceableConfiguration"/> once JwtBearer has made its configuration manager.</summary>
    internal sealed class InstallOptions : Microsoft.Extensions.Options.IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions options)
        {
            if (name == CcdAuthentication.UserTokenVerificationScheme && options.ConfigurationManager is { } manager and not ReplaceableConfiguration)
            {
                options.ConfigurationManager = new ReplaceableConfiguration(manager);
            }
        }
    }

    /// <summary>True or false once the keys are known; null when they cannot be fetched (JwtBearer then reports it).</summary>
    private static async Task<bool?> KnowsAsync(JwtBearerOptions options, string keyId, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
            return configuration.SigningKeys.Any(key => string.Equals(key.KeyId, keyId, StringComparison.Ordinal));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static string? KeyId(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            // Reads the header only; the signature is verified afterwards by JwtBearer.
            return new JsonWebToken(header["Bearer ".Length..].Trim()).Kid is { Length: > 0 } kid ? kid : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A user token named signing key id '{KeyId}', not among the cached keys: fetched the identity provider's keys again ({Count} keys).")]
    private partial void LogRefreshed(string keyId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A user token named signing key id '{KeyId}', not among the cached keys, and the identity provider's keys could not be fetched again ({Error}).")]
    private partial void LogRefreshFailed(string keyId, string error);
}
