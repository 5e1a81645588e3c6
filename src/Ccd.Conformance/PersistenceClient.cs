using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Ccd.Conformance;

/// <summary>An answer: status code and body text.</summary>
internal sealed record Answer(int Status, string Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>
/// Calls /ccd-persistence the way CCD's Feign client does: the user's token as <c>Authorization: Bearer</c>, the S2S
/// token as <c>ServiceAuthorization</c>, JSON bodies, <c>Idempotency-Key</c> on submits only.
/// </summary>
internal sealed class PersistenceClient(HttpClient http, string userToken, string serviceToken)
{
    public string UserToken => userToken;

    public string ServiceToken => serviceToken;

    public Task<Answer> SubmitAsync(JsonObject body, Guid? idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "ccd-persistence/cases", body.ToJsonString(), idempotencyKey, userToken, serviceToken, cancellationToken);

    public Task<Answer> ReadAsync(string query, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "ccd-persistence/cases?" + query, null, null, userToken, serviceToken, cancellationToken);

    public Task<Answer> HistoryAsync(long reference, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"ccd-persistence/cases/{reference}/history", null, null, userToken, serviceToken, cancellationToken);

    public Task<Answer> HistoryEventAsync(long reference, string eventId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"ccd-persistence/cases/{reference}/history/{eventId}", null, null, userToken, serviceToken, cancellationToken);

    public Task<Answer> SupplementaryAsync(long reference, string body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"ccd-persistence/cases/{reference}/supplementary-data", body, null, userToken, serviceToken, cancellationToken);

    /// <summary>Any call with the given tokens (null leaves the header out), for the authentication checks.</summary>
    public async Task<Answer> SendAsync(
        HttpMethod method, string path, string? json, Guid? idempotencyKey, string? user, string? service, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (user is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + user);
        }

        if (service is not null)
        {
            request.Headers.TryAddWithoutValidation("ServiceAuthorization", service);
        }

        if (idempotencyKey is { } key)
        {
            request.Headers.Add("Idempotency-Key", key.ToString());
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
