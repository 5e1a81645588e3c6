using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// Fetches a user's names from the identity provider's userinfo endpoint (<c>Ccd:Auth:UserInfoUrl</c>) when the
/// token does not carry them, as IDAM access tokens do not. Cached per user id for a few minutes, since names
/// rarely change and every submission needs them.
/// </summary>
internal sealed class UserInfoClient(
    IHttpClientFactory httpClients,
    AuthenticationCache cache,
    CcdAuthSettings settings,
    ILogger<UserInfoClient> logger)
{
    public const string HttpClientName = "ccd-userinfo";

    public bool IsConfigured => settings.UserInfoUrl is not null;

    public async Task<(string FirstName, string LastName)> NamesAsync(string userId, string accessToken, CancellationToken cancellationToken)
    {
        var cacheKey = "ccd-userinfo:" + userId;
        if (cache.Entries.TryGetValue(cacheKey, out (string, string) known))
        {
            return known;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, settings.UserInfoUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new ProblemException(401, "unauthenticated", "Authentication is required.", "The identity provider's userinfo endpoint refused the user token.");
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("The userinfo endpoint {Url} answered {Status}", LogRedaction.Url(settings.UserInfoUrl), (int)response.StatusCode);
                throw Unavailable();
            }

            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var names = (Text(document.RootElement, "given_name"), Text(document.RootElement, "family_name"));
            if (settings.UserInfoCacheDuration > TimeSpan.Zero)
            {
                cache.Entries.Set(cacheKey, names, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = settings.UserInfoCacheDuration, Size = 1 });
            }

            return names;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The userinfo endpoint {Url} could not be used: {Reason}", LogRedaction.Url(settings.UserInfoUrl), exception.GetType().Name);
            throw Unavailable();
        }
    }

    private static string Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static ProblemException Unavailable() =>
        ProviderOutage.IdentityProviderUnavailable("The user's names could not be read from the identity provider's userinfo endpoint. Retry later.");
}
