using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.CentralCcd;

/// <summary>
/// The calls a decentralised service makes to CCD's data store as its system user: read a case (v2
/// <c>GET /cases/{id}</c>), and start then submit an event (v1 caseworker <c>event-triggers/{event}/token</c>, then
/// <c>events</c>), as HMCTS's reference runtime does. A 401 renews the tokens and tries once more.
/// </summary>
internal sealed class CcdDataStoreClient(IHttpClientFactory clients, IOptions<CentralCcdOptions> options, IdamSystemUser systemUser, S2sServiceToken serviceToken)
{
    public const string HttpClientName = "ccd-data-store";

    private const string CaseV2MediaType = "application/vnd.uk.gov.hmcts.ccd-data-store-api.case.v2+json;charset=UTF-8";

    /// <summary>Reads the case as the system user: its state when CCD returns it, not found on a 404 (no pointer, or no read access).</summary>
    public async Task<CcdCaseRead> ReadCaseAsync(long reference, CancellationToken cancellationToken)
    {
        var what = $"CCD read of case {reference}";
        using var response = await SendAsync((user, s2s) =>
        {
            var request = Request(HttpMethod.Get, $"cases/{reference}", user, s2s);
            request.Headers.Accept.ParseAdd(CaseV2MediaType);
            request.Headers.Add("experimental", "true");
            return request;
        }, what, cancellationToken);
        if (CentralCcdHttp.IsNotFound(response))
        {
            return new CcdCaseRead(false, null, null);
        }

        CentralCcdHttp.EnsureSuccess(response, what);
        var body = await CentralCcdHttp.ReadJsonAsync<JsonObject>(response, what, cancellationToken);
        return new CcdCaseRead(true, body["state"]?.GetValue<string>(), body);
    }

    /// <summary>Starts and submits <paramref name="eventId"/> on the case with the data CCD's start returned; answers the state CCD reports after it.</summary>
    public async Task<string?> TriggerEventAsync(CcdCaseKey key, string eventId, string summary, CancellationToken cancellationToken)
    {
        var uid = (await systemUser.GetAsync(cancellationToken)).Uid;
        var path = string.Create(CultureInfo.InvariantCulture,
            $"caseworkers/{Uri.EscapeDataString(uid)}/jurisdictions/{Uri.EscapeDataString(key.Jurisdiction)}/case-types/{Uri.EscapeDataString(key.CaseTypeId)}/cases/{key.Reference}");
        var startWhat = $"CCD start of {eventId} on case {key.Reference}";
        StartEventResult start;
        using (var response = await SendAsync((user, s2s) => Request(HttpMethod.Get, $"{path}/event-triggers/{Uri.EscapeDataString(eventId)}/token", user, s2s), startWhat, cancellationToken))
        {
            CentralCcdHttp.EnsureSuccess(response, startWhat);
            start = await CentralCcdHttp.ReadJsonAsync<StartEventResult>(response, startWhat, cancellationToken);
        }

        if (start.CaseDetails is null || string.IsNullOrWhiteSpace(start.Token))
        {
            throw new CentralCcdException($"{startWhat}: answered without case details or an event token");
        }

        var content = new JsonObject
        {
            ["event"] = new JsonObject { ["id"] = eventId, ["summary"] = summary, ["description"] = null },
            ["data"] = start.CaseDetails["case_data"]?.DeepClone() ?? new JsonObject(),
            ["event_token"] = start.Token,
            ["ignore_warning"] = false,
        };
        var submitWhat = $"CCD submit of {eventId} on case {key.Reference}";
        using var submitted = await SendAsync((user, s2s) =>
        {
            var request = Request(HttpMethod.Post, $"{path}/events?ignore-warning=false", user, s2s);
            request.Content = JsonContent.Create(content);
            return request;
        }, submitWhat, cancellationToken);
        CentralCcdHttp.EnsureSuccess(submitted, submitWhat);
        var details = await CentralCcdHttp.ReadJsonAsync<JsonObject>(submitted, submitWhat, cancellationToken);
        return details["state"]?.GetValue<string>();
    }

    private HttpRequestMessage Request(HttpMethod method, string path, SystemUserToken user, string s2s)
    {
        var request = new HttpRequestMessage(method, CentralCcdHttp.Url(options.Value.DataStoreUrl!, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        request.Headers.TryAddWithoutValidation("ServiceAuthorization", s2s);
        if (request.Headers.Accept.Count == 0)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(Func<SystemUserToken, string, HttpRequestMessage> build, string what, CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(HttpClientName);
        for (var attempt = 0; ; attempt++)
        {
            var user = await systemUser.GetAsync(cancellationToken);
            var s2s = await serviceToken.GetAsync(cancellationToken);
            var response = await CentralCcdHttp.SendRawAsync(http, () => build(user, s2s), what, cancellationToken);
            if (attempt > 0 || response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
            {
                return response;
            }

            // A token revoked or expired early (401: the user's, 403: the service's): fetch a fresh one once.
            var refused = response.StatusCode;
            response.Dispose();
            if (refused == HttpStatusCode.Unauthorized)
            {
                systemUser.Invalidate(user);
            }
            else
            {
                serviceToken.Invalidate();
            }
        }
    }

    private sealed record StartEventResult(
        [property: JsonPropertyName("case_details")] JsonObject? CaseDetails,
        [property: JsonPropertyName("event_id")] string? EventId,
        [property: JsonPropertyName("token")] string? Token);
}

/// <summary>Which case a CCD call is about.</summary>
internal sealed record CcdCaseKey(string Jurisdiction, string CaseTypeId, long Reference);

/// <summary>What CCD answered to a read: <paramref name="Found"/> false on a 404.</summary>
internal sealed record CcdCaseRead(bool Found, string? State, JsonObject? Case);
