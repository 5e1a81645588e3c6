using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Runtime.Wire;
using Xunit;

namespace Ccd.Runtime.Tests.Persistence;

/// <summary>An answer of the persistence API: status, exact bytes, and the body parsed.</summary>
internal sealed record Reply(HttpStatusCode Status, byte[] Bytes, string? ContentType, string? RetryAfter = null)
{
    public JsonNode Json => JsonNode.Parse(Bytes)!;

    public override string ToString() => $"{(int)Status} {Encoding.UTF8.GetString(Bytes)}";
}

/// <summary>Calls <c>/ccd-persistence</c> as CCD's data store does.</summary>
internal sealed class CcdApi(HttpClient client) : IDisposable
{
    public HttpClient Client => client;

    public async Task<Reply> SubmitAsync(JsonObject body, Guid? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ccd-persistence/cases") { Content = Json(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key.Value.ToString());
        }

        return await SendAsync(request);
    }

    public Task<Reply> SubmitAsync(JsonObject body) => SubmitAsync(body, Guid.NewGuid());

    public async Task<Reply> SubmitRawAsync(string json, Guid key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ccd-persistence/cases")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key.ToString());
        return await SendAsync(request);
    }

    public async Task<Reply> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    public async Task<Reply> PostAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await SendAsync(request);
    }

    /// <summary>Reads one case; null when the API leaves it out.</summary>
    public async Task<JsonNode?> ReadAsync(long reference)
    {
        var reply = await GetAsync($"/ccd-persistence/cases?case-refs={reference}");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var array = reply.Json.AsArray();
        return array.Count == 0 ? null : array[0];
    }

    public async Task<Reply> SupplementaryAsync(long reference, string json) =>
        await PostAsync($"/ccd-persistence/cases/{reference}/supplementary-data", json);

    public void Dispose() => client.Dispose();

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    private async Task<Reply> SendAsync(HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        return new Reply(response.StatusCode, bytes, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.ToString());
    }
}

/// <summary>Submit bodies as CCD builds them.</summary>
internal static class Payloads
{
    private static long _internalId = 1000;

    public static long NewReference() => CaseReference.Mint();

    public static JsonObject Create(long reference, string caseType, string eventId, JsonObject data, string state = "Open", JsonObject? supplementary = null) => new()
    {
        ["case_details_before"] = null,
        ["case_details"] = Details(reference, caseType, data, state, version: null, supplementary),
        ["event_details"] = Event(caseType, eventId),
        ["resolved_ttl"] = null,
        ["internal_case_id"] = Interlocked.Increment(ref _internalId),
        ["start_revision"] = null,
        ["merge_revision"] = null,
    };

    /// <summary>
    /// An update as CCD sends it: <paramref name="before"/> is CCD's read (<c>case_details_before</c>, empty by
    /// default) at <paramref name="mergeRevision"/> (default <paramref name="version"/>), <paramref name="data"/> its proposal.
    /// </summary>
    public static JsonObject Update(
        long reference, string caseType, string eventId, JsonObject data, int version, string state = "Open", long? internalId = null,
        JsonObject? before = null, long? mergeRevision = null, string? beforeState = null) => new()
    {
        ["case_details_before"] = Details(reference, caseType, before ?? [], beforeState ?? state, version, null),
        ["case_details"] = Details(reference, caseType, data, state, version, null),
        ["event_details"] = Event(caseType, eventId),
        ["resolved_ttl"] = null,
        ["internal_case_id"] = internalId,
        ["start_revision"] = mergeRevision ?? version,
        ["merge_revision"] = mergeRevision ?? version,
    };

    private static JsonObject Details(long reference, string caseType, JsonObject data, string state, int? version, JsonObject? supplementary) => new()
    {
        ["id"] = reference,
        ["jurisdiction"] = TestService.Jurisdiction,
        ["case_type_id"] = caseType,
        ["state"] = state,
        ["version"] = version,
        ["security_classification"] = "PUBLIC",
        ["case_data"] = data,
        ["data_classification"] = new JsonObject(),
        ["supplementary_data"] = supplementary ?? new JsonObject(),
        ["created_date"] = "2026-03-05T12:00:00.1234567Z",
        ["last_modified"] = "2026-03-05T12:00:00Z",
        ["last_state_modified_date"] = null,
    };

    private static JsonObject Event(string caseType, string eventId) => new()
    {
        ["case_type"] = caseType,
        ["event_id"] = eventId,
        ["event_name"] = eventId,
        ["summary"] = "A summary",
        ["description"] = "A description",
        ["proxied_by"] = null,
        ["proxied_by_first_name"] = null,
        ["proxied_by_last_name"] = null,
    };
}
