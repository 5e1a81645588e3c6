using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>
/// Everything a store serves, read through its APIs as CCD and an administrator read it: every case in one
/// <c>/ccd-persistence/cases</c> call, every case's history and each of its events, and the adoption REST reads of
/// every adoption case (the case, its documents, its audit trail) and the case list. Each read is kept as its
/// URL, status and exact body, so two stores can be compared byte for byte.
/// </summary>
internal static class ApiReads
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<IReadOnlyList<ApiRead>> ReadAllAsync(TestServiceApp app, IReadOnlyList<long> references, IReadOnlyList<Guid> adoptionCaseIds)
    {
        using var ccd = DrillSeed.CcdHttp(app);
        using var admin = app.CreateClient(TestTokens.User("admin-1", ["admin"]), serviceToken: null);
        var reads = new List<ApiRead>
        {
            await GetAsync(ccd, "/ccd-persistence/cases?" + string.Join("&", references.Select(r => string.Create(CultureInfo.InvariantCulture, $"case-refs={r}")))),
        };
        foreach (var reference in references)
        {
            var history = await GetAsync(ccd, string.Create(CultureInfo.InvariantCulture, $"/ccd-persistence/cases/{reference}/history"));
            reads.Add(history);
            foreach (var item in JsonNode.Parse(history.Body)!.AsArray())
            {
                reads.Add(await GetAsync(ccd, string.Create(CultureInfo.InvariantCulture, $"/ccd-persistence/cases/{reference}/history/{item!["id"]!.GetValue<long>()}")));
            }
        }

        reads.Add(await GetAsync(admin, "/api/cases?pageSize=100"));
        reads.Add(await GetAsync(admin, "/api/courts"));
        foreach (var id in adoptionCaseIds)
        {
            reads.Add(await GetAsync(admin, $"/api/cases/{id}"));
            reads.Add(await GetAsync(admin, $"/api/cases/{id}/documents"));
            reads.Add(await GetAsync(admin, $"/api/cases/{id}/audit"));
        }

        return reads;
    }

    private static async Task<ApiRead> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        // A refusal's problem body carries the request's trace id, which no two requests share: keep its status only.
        return response.IsSuccessStatusCode
            ? new ApiRead(url, response.StatusCode, body, response.Headers.ETag?.ToString())
            : new ApiRead(url, response.StatusCode, string.Empty, null);
    }
}

/// <summary>One read: what was asked and exactly what came back.</summary>
internal sealed record ApiRead(string Url, HttpStatusCode Status, string Body, string? ETag);
