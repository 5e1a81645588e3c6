using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Ccd.Runtime.Testing;

/// <summary>
/// Calls a service's <c>/ccd-persistence</c> API and callbacks as CCD's data store does, for one user and one case
/// type: typed creates and updates, replays and concurrent duplicates under one idempotency key, reads of cases
/// and history, supplementary data, and CCD's about-to-start and mid-event callbacks; and any other request, sent as
/// it is, for tests of what the service refuses.
/// </summary>
/// <param name="http">The client the calls go through, with CCD's tokens set.</param>
/// <param name="caseType">The case type of the typed calls; without it only the untyped calls can be made.</param>
public sealed class CcdDataStoreClient(HttpClient http, CcdCaseType? caseType = null) : IDisposable
{
    /// <summary>The case type every typed call is about.</summary>
    public CcdCaseType CaseType => caseType ?? throw new InvalidOperationException("This client was made without a case type: pass one to its constructor for typed calls.");

    /// <summary>The client the calls go through (its tokens are set).</summary>
    public HttpClient Http => http;

    /// <summary>Creates case <paramref name="reference"/> with <paramref name="eventId"/>, ending in <paramref name="state"/>.</summary>
    public Task<CcdAnswer> CreateAsync(long reference, string eventId, string state, JsonObject data, CcdSubmitOptions? options = null) =>
        SubmitAsync(CcdEventBodies.Create(CaseType, reference, eventId, state, data, options), options?.IdempotencyKey ?? Guid.NewGuid());

    /// <summary>Runs <paramref name="eventId"/> on a case the user started at <paramref name="version"/>.</summary>
    public Task<CcdAnswer> UpdateAsync(long reference, string eventId, string state, int version, JsonObject data, CcdSubmitOptions? options = null) =>
        SubmitAsync(CcdEventBodies.Update(CaseType, reference, eventId, state, version, data, options), options?.IdempotencyKey ?? Guid.NewGuid());

    /// <summary>
    /// Sends a submit body under <paramref name="idempotencyKey"/> (none when null); sending it again is a replay
    /// (CCD's retry).
    /// </summary>
    public Task<CcdAnswer> SubmitAsync(JsonObject body, Guid? idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SubmitRawAsync(body.ToJsonString(), idempotencyKey);
    }

    /// <summary>Sends a submit body under a new idempotency key.</summary>
    public Task<CcdAnswer> SubmitAsync(JsonObject body) => SubmitAsync(body, Guid.NewGuid());

    /// <summary>Sends <paramref name="json"/> as a submit body, exactly as given, under <paramref name="idempotencyKey"/> (none when null).</summary>
    public async Task<CcdAnswer> SubmitRawAsync(string json, Guid? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ccd-persistence/cases")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is { } key)
        {
            request.Headers.Add("Idempotency-Key", key.ToString());
        }

        return await SendAsync(request);
    }

    /// <summary>A GET of <paramref name="path"/>, whatever the answer.</summary>
    public async Task<CcdAnswer> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    /// <summary>A POST of <paramref name="json"/> to <paramref name="path"/>, whatever the answer.</summary>
    public async Task<CcdAnswer> PostAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await SendAsync(request);
    }

    /// <summary>Sends <paramref name="request"/> as it is and reads the answer whole.</summary>
    public async Task<CcdAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var response = await http.SendAsync(request, cancellationToken);
        return await CcdAnswer.ReadAsync(response, cancellationToken);
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
    public Task<CcdAnswer> UpdateSupplementaryDataAsync(long reference, JsonObject updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        return UpdateSupplementaryDataRawAsync(reference, new JsonObject { ["supplementary_data_updates"] = updates.DeepClone() }.ToJsonString());
    }

    /// <summary>A supplementary-data update whose whole request body is <paramref name="json"/>, exactly as given.</summary>
    public Task<CcdAnswer> UpdateSupplementaryDataRawAsync(long reference, string json) =>
        PostAsync($"/ccd-persistence/cases/{reference}/supplementary-data", json);

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
        ["jurisdiction"] = CaseType.Jurisdiction,
        ["case_type_id"] = CaseType.Id,
        ["state"] = state,
        ["security_classification"] = CaseType.SecurityClassification,
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

    private static CcdAnswer Expect(CcdAnswer answer, HttpStatusCode status) =>
        answer.Status == status ? answer : throw new CcdExpectationException($"Expected {(int)status}, got {(int)answer.Status}: {answer.Text}");
}
