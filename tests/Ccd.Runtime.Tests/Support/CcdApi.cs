using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Runtime.Testing;
using Ccd.Runtime.Wire;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Writing;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Support;

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
        return await Reply.ReadAsync(response, TestContext.Current.CancellationToken);
    }
}

/// <summary>Submit bodies as CCD builds them, for this project's case types (jurisdiction <see cref="TestService.Jurisdiction"/>).</summary>
internal static class Payloads
{
    public static long NewReference() => CaseReference.Mint();

    public static CcdCaseType CaseType(string caseType) => new(caseType, TestService.Jurisdiction);

    public static JsonObject Create(long reference, string caseType, string eventId, JsonObject data, string state = "Open", JsonObject? supplementary = null) =>
        SubmitBodies.Create(CaseType(caseType), reference, eventId, data, state, supplementary);

    /// <inheritdoc cref="SubmitBodies.Update"/>
    public static JsonObject Update(
        long reference, string caseType, string eventId, JsonObject data, int version, string state = "Open", long? internalId = null,
        JsonObject? before = null, long? mergeRevision = null, string? beforeState = null) =>
        SubmitBodies.Update(CaseType(caseType), reference, eventId, data, version, state, internalId, before, mergeRevision, beforeState);
}
