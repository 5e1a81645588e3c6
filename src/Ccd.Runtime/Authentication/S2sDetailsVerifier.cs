using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Ccd.Runtime.Problems;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// DEV and PROD: asks the S2S provider who the token belongs to (<c>GET {S2sUrl}/details</c> with the token as a
/// bearer answers the service name as plain text: the HMCTS service-auth-provider convention). Answers are cached
/// briefly under a hash of the token, so the token itself is never kept as a key nor written to a log.
/// </summary>
internal sealed class S2sDetailsVerifier(
    IHttpClientFactory httpClients,
    AuthenticationCache cache,
    CcdAuthSettings settings,
    ILogger<S2sDetailsVerifier> logger) : IServiceTokenVerifier
{
    public const string HttpClientName = "ccd-s2s";

    public async Task<ServiceTokenResult> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        var cacheKey = "ccd-s2s:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (cache.Entries.TryGetValue(cacheKey, out string? known) && known is not null)
        {
            return ServiceTokenResult.Valid(known);
        }

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
            logger.LogWarning("The S2S provider at {Url} did not answer: {Reason}", details, exception.GetType().Name);
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
                logger.LogWarning("The S2S provider at {Url} answered {Status}", details, (int)response.StatusCode);
                throw Unavailable();
            }

            var name = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            if (name.Length == 0)
            {
                return ServiceTokenResult.Invalid("The S2S provider named no service for the token.");
            }

            if (settings.S2sCacheDuration > TimeSpan.Zero)
            {
                cache.Entries.Set(cacheKey, name, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = settings.S2sCacheDuration, Size = 1 });
            }

            return ServiceTokenResult.Valid(name);
        }
    }

    private static ProblemException Unavailable() =>
        new(503, "s2s-provider-unavailable", "The S2S provider is unavailable.", "The service token could not be verified because the S2S provider did not answer. Retry later.");
}
