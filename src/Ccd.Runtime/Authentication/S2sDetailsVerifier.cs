using System.Diagnostics.CodeAnalysis;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// DEV and PROD: asks the S2S provider who the token belongs to (<c>GET {S2sUrl}/details</c> with the token as a
/// bearer answers the service name as plain text: the HMCTS service-auth-provider convention). Answers, refusals
/// included, are cached for <c>Ccd:Auth:S2sCacheSeconds</c> under a hash of the token, so the token itself is never
/// kept as a key nor written to a log; concurrent requests with the same token share one call. Outages are not cached.
/// </summary>
internal sealed class S2sDetailsVerifier(
    IHttpClientFactory httpClients,
    AuthenticationCache cache,
    CcdAuthSettings settings,
    TimeProvider time,
    ILogger<S2sDetailsVerifier> logger) : IServiceTokenVerifier
{
    public const string HttpClientName = "ccd-s2s";

    private readonly ConcurrentDictionary<string, Lazy<Task<ServiceTokenResult>>> _inFlight = new(StringComparer.Ordinal);

    private const string Kind = "ccd-s2s:";

    public bool TryGetKnown(ReadOnlySpan<char> token, [NotNullWhen(true)] out string? serviceName)
    {
        serviceName = Cached(VerifiedTokenCache.KeyOf(Kind, token))?.ServiceName;
        return serviceName is not null;
    }

    public async Task<ServiceTokenResult> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        var cacheKey = VerifiedTokenCache.KeyOf(Kind, token);
        if (Cached(cacheKey) is { } known)
        {
            return known;
        }

        var call = _inFlight.GetOrAdd(cacheKey, _ => new Lazy<Task<ServiceTokenResult>>(() => AskAndCacheAsync(cacheKey, token)));
        try
        {
            return await call.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<ServiceTokenResult>>>(cacheKey, call));
        }
    }

    // The expiry is checked against the injected clock (the entry's own expiry only bounds memory).
    private ServiceTokenResult? Cached(string cacheKey) =>
        cache.Entries.TryGetValue(cacheKey, out CachedAnswer? known) && known is not null && time.GetUtcNow() < known.ExpiresAt ? known.Result : null;

    // Shared by every request waiting for this token, so no one request's cancellation ends it (the client has a timeout).
    private async Task<ServiceTokenResult> AskAndCacheAsync(string cacheKey, string token)
    {
        var result = await AskAsync(token, CancellationToken.None);
        if (settings.S2sCacheDuration > TimeSpan.Zero)
        {
            cache.Entries.Set(cacheKey, new CachedAnswer(result, time.GetUtcNow() + settings.S2sCacheDuration),
                new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = settings.S2sCacheDuration, Size = 1 });
        }

        return result;
    }

    private async Task<ServiceTokenResult> AskAsync(string token, CancellationToken cancellationToken)
    {

        var details = new Uri(settings.S2sUrl!.AbsoluteUri.TrimEnd('/') + "/details");
        using var request = new HttpRequestMessage(HttpMethod.Get, details);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The S2S provider at {Url} did not answer: {Reason}", LogRedaction.Url(details), exception.GetType().Name);
            throw Unavailable();
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return ServiceTokenResult.Invalid("The S2S provider does not recognise the service token.");
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("The S2S provider at {Url} answered {Status}", LogRedaction.Url(details), (int)response.StatusCode);
                throw Unavailable();
            }

            var name = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            if (name.Length == 0)
            {
                return ServiceTokenResult.Invalid("The S2S provider named no service for the token.");
            }

            return ServiceTokenResult.Valid(name);
        }
    }

    private sealed record CachedAnswer(ServiceTokenResult Result, DateTimeOffset ExpiresAt);

    private static ProblemException Unavailable() =>
        new(503, "s2s-provider-unavailable", "The S2S provider is unavailable.", "The service token could not be verified because the S2S provider did not answer. Retry later.");
}
