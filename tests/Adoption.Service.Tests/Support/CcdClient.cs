using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Support;

/// <summary>Calls the adoption service's <c>/ccd-persistence</c> API as CCD's data store does, for one user.</summary>
internal sealed class CcdClient(HttpClient client)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static long _internalId = 5000;

    public static CcdClient For(AdoptionApp app, string userId, string[] roles, params string[] courts) =>
        new(app.App.CreateClient(TestTokens.User(userId, roles, courts), TestTokens.Service()));

    /// <summary>The case as CCD reads it, or null when the API leaves it out.</summary>
    public async Task<JsonObject?> ReadAsync(long reference)
    {
        using var response = await client.GetAsync($"/ccd-persistence/cases?case-refs={reference}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var array = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsArray();
        return array.Count == 0 ? null : array[0]!.AsObject();
    }

    public async Task<JsonArray> HistoryAsync(long reference)
    {
        using var response = await client.GetAsync($"/ccd-persistence/cases/{reference}/history", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsArray();
    }

    /// <summary>
    /// Submits <paramref name="eventId"/> on an existing case as CCD would after the user started it at <paramref name="version"/>,
    /// with the TTL CCD resolved (<c>yyyy-MM-dd</c>, none by default), under <paramref name="idempotencyKey"/> (a new one
    /// when null; CCD re-sends the same key when it retries).
    /// </summary>
    public Task<(HttpStatusCode Status, JsonNode? Body)> UpdateAsync(
        long reference, string eventId, string postState, int version, JsonObject data, string? resolvedTtl = null, Guid? idempotencyKey = null) =>
        SubmitAsync(new JsonObject
        {
            ["case_details_before"] = Details(reference, postState, version, []),
            ["case_details"] = Details(reference, postState, version, data),
            ["event_details"] = Event(eventId),
            ["resolved_ttl"] = resolvedTtl,
            ["internal_case_id"] = null,
            ["start_revision"] = null,
            ["merge_revision"] = null,
        }, idempotencyKey);

    /// <summary>Creates the case as CCD would, with the TTL CCD resolved for it (<c>yyyy-MM-dd</c>, none by default).</summary>
    public Task<(HttpStatusCode Status, JsonNode? Body)> CreateAsync(long reference, JsonObject data, string? resolvedTtl = null) =>
        SubmitAsync(new JsonObject
        {
            ["case_details_before"] = null,
            ["case_details"] = Details(reference, "APPLICATION", null, data),
            ["event_details"] = Event("submitApplication"),
            ["resolved_ttl"] = resolvedTtl,
            ["internal_case_id"] = Interlocked.Increment(ref _internalId),
            ["start_revision"] = null,
            ["merge_revision"] = null,
        });

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SubmitAsync(JsonObject body, Guid? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ccd-persistence/cases")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("Idempotency-Key", (idempotencyKey ?? Guid.NewGuid()).ToString());
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static JsonObject Details(long reference, string state, int? version, JsonObject data) => new()
    {
        ["id"] = reference,
        ["jurisdiction"] = "ADOPTION",
        ["case_type_id"] = "A58",
        ["state"] = state,
        ["version"] = version,
        ["security_classification"] = "PUBLIC",
        ["case_data"] = data.DeepClone(),
        ["data_classification"] = new JsonObject(),
        ["supplementary_data"] = new JsonObject(),
        ["created_date"] = "2026-03-05T10:00:00Z",
        ["last_modified"] = "2026-03-05T10:00:00Z",
        ["last_state_modified_date"] = null,
    };

    private static JsonObject Event(string eventId) => new()
    {
        ["case_type"] = "A58",
        ["event_id"] = eventId,
        ["event_name"] = eventId,
        ["summary"] = null,
        ["description"] = null,
        ["proxied_by"] = null,
        ["proxied_by_first_name"] = null,
        ["proxied_by_last_name"] = null,
    };
}
