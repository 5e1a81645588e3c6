using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Ccd.Runtime.Testing;

/// <summary>
/// Calls a service's <c>/ccd-persistence</c> API and callbacks as CCD's data store does, for one user and one case
/// type: typed creates and updates, replays and concurrent duplicates under one idempotency key, reads of cases
/// and history, supplementary data, and CCD's about-to-start and mid-event callbacks.
/// </summary>
public sealed class CcdDataStoreClient(HttpClient http, CcdCaseType caseType) : IDisposable
{
    /// <summary>The case type every call is about.</summary>
    public CcdCaseType CaseType => caseType;

    /// <summary>The client the calls go through (its tokens are set).</summary>
    public HttpClient Http => http;

    /// <summary>Creates case <paramref name="reference"/> with <paramref name="eventId"/>, ending in <paramref name="state"/>.</summary>
    public Task<CcdAnswer> CreateAsync(long reference, string eventId, string state, JsonObject data, CcdSubmitOptions? options = null) =>
        SubmitAsync(CcdEventBodies.Create(caseType, reference, eventId, state, data, options), options?.IdempotencyKey ?? Guid.NewGuid());

    /// <summary>Runs <paramref name="eventId"/> on a case the user started at <paramref name="version"/>.</summary>
    public Task<CcdAnswer> UpdateAsync(long reference, string eventId, string state, int version, JsonObject data, CcdSubmitOptions? options = null) =>
        SubmitAsync(CcdEventBodies.Update(caseType, reference, eventId, state, version, data, options), options?.IdempotencyKey ?? Guid.NewGuid());

    /// <summary>Sends a submit body under <paramref name="idempotencyKey"/>; sending it again is a replay (CCD's retry).</summary>
    public async Task<CcdAnswer> SubmitAsync(JsonObject body, Guid idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ccd-persistence/cases")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey.ToString());
        return await SendAsync(request);
    }

    /// <summary>Sends <paramref name="copies"/> copies of one submit at once under one key, as CCD's retries after a timeout can.</summary>
    public async Task<IReadOnlyList<CcdAnswer>> SubmitConcurrentlyAsync(JsonObject body, Guid idempotencyKey, int copies) =>
        await Task.WhenAll(Enumerable.Range(0, copies).Select(_ => SubmitAsync(body, idempotencyKey)));

    /// <summary>The case as CCD reads it (<c>{case_details, revision}</c>), or null when the service leaves it out.</summary>
    public async Task<JsonObject?> ReadAsync(long reference)
    {
        var cases = await ReadManyAsync(reference);
        return cases.Count == 0 ? null : cases[0]!.AsObject();
    }

    /// <summary>Several cases in one read (repeated <c>case-refs</c>).</summary>
    public async Task<JsonArray> ReadManyAsync(params long[] references)
    {
        var query = string.Join("&", references.Select(r => "case-refs=" + r.ToString(CultureInfo.InvariantCulture)));
        return await GetArrayAsync("/ccd-persistence/cases?" + query);
    }

    /// <summary>The case's history, newest first.</summary>
    public Task<JsonArray> HistoryAsync(long reference) => GetArrayAsync($"/ccd-persistence/cases/{reference}/history");

    /// <summary>One history event by its numeric id, or null when the service answers 404.</summary>
    public async Task<JsonObject?> HistoryEventAsync(long reference, long eventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ccd-persistence/cases/{reference}/history/{eventId}");
        var answer = await SendAsync(request);
        return answer.Status == HttpStatusCode.NotFound ? null : Expect(answer, HttpStatusCode.OK).Body!.AsObject();
    }

    /// <summary>A supplementary-data update: <paramref name="updates"/> is <c>{"$set": {...}, "$inc": {...}}</c>.</summary>
    public async Task<CcdAnswer> UpdateSupplementaryDataAsync(long reference, JsonObject updates)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/ccd-persistence/cases/{reference}/supplementary-data")
        {
            Content = new StringContent(new JsonObject { ["supplementary_data_updates"] = updates.DeepClone() }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        return await SendAsync(request);
    }

    /// <summary>CCD's about-to-start callback for <paramref name="eventId"/> on <paramref name="caseDetails"/>.</summary>
    public Task<CcdAnswer> AboutToStartAsync(string eventId, JsonObject caseDetails, bool ignoreWarning = false) =>
        CallbackAsync("/callbacks/about-to-start", eventId, caseDetails, null, ignoreWarning);

    /// <summary>CCD's mid-event callback for page <paramref name="page"/> of <paramref name="eventId"/>.</summary>
    public Task<CcdAnswer> MidEventAsync(string eventId, string page, JsonObject caseDetails, JsonObject? caseDetailsBefore = null, bool ignoreWarning = false) =>
        CallbackAsync("/callbacks/mid-event?page=" + Uri.EscapeDataString(page), eventId, caseDetails, caseDetailsBefore, ignoreWarning);

    /// <summary>Case details as CCD puts them in a callback (id, jurisdiction, case type, state, data).</summary>
    public JsonObject CallbackCase(long reference, string state, JsonObject data) => new()
    {
        ["id"] = reference,
        ["jurisdiction"] = caseType.Jurisdiction,
        ["case_type_id"] = caseType.Id,
        ["state"] = state,
        ["security_classification"] = caseType.SecurityClassification,
        ["case_data"] = data.DeepClone(),
        ["data_classification"] = new JsonObject(),
    };

    /// <inheritdoc />
    public void Dispose() => http.Dispose();

    private async Task<CcdAnswer> CallbackAsync(string path, string eventId, JsonObject caseDetails, JsonObject? before, bool ignoreWarning)
    {
        var body = new JsonObject
        {
            ["case_details"] = caseDetails.DeepClone(),
            ["case_details_before"] = before?.DeepClone(),
            ["event_id"] = eventId,
            ["ignore_warning"] = ignoreWarning,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        return await SendAsync(request);
    }

    private async Task<JsonArray> GetArrayAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return Expect(await SendAsync(request), HttpStatusCode.OK).Body!.AsArray();
    }

    private async Task<CcdAnswer> SendAsync(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        return new CcdAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static CcdAnswer Expect(CcdAnswer answer, HttpStatusCode status) =>
        answer.Status == status ? answer : throw new CcdExpectationException($"Expected {(int)status}, got {(int)answer.Status}: {answer.Text}");
}
