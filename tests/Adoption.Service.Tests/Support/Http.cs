using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Adoption.Service.Tests.Support;

/// <summary>Small HTTP helpers so tests read as the requests they make.</summary>
internal static class Http
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, string json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/merge-patch+json"),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request, Ct);
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request, Ct);
    }

    public static Task<HttpResponseMessage> DeleteAsync(this HttpClient client, string url, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, url);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request, Ct);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    /// <summary>Asserts a problem body of <paramref name="status"/> whose <c>field</c> (or detail) names <paramref name="field"/>.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        if (field is not null)
        {
            var named = problem.TryGetProperty("field", out var f) && f.GetString() == field;
            Assert.True(named || problem.GetProperty("detail").GetString()!.Contains(field, StringComparison.Ordinal),
                $"the problem does not name '{field}': {body}");
        }

        return problem;
    }

    public static string Id(this JsonElement json) => json.GetProperty("id").GetString()!;

    public static int Version(this JsonElement json) => json.GetProperty("version").GetInt32();

    public static string ETag(this HttpResponseMessage response) => response.Headers.ETag?.ToString() ?? string.Empty;
}
