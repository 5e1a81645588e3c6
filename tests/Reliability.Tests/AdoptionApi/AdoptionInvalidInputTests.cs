using Ccd.Testing;
using Reliability.Tests.HostileInput;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.AdoptionApi;

/// <summary>
/// The invalid half of the hostile corpus over the adoption REST API and the CCD callbacks: every request gets a 4xx
/// problem (never a 5xx) that names the field at fault, and both schemas (<c>ccd</c> and <c>adoption</c>) are unchanged.
/// </summary>
public sealed class AdoptionInvalidInputTests(PostgresServer postgres, AdoptionCorpusStore store) : IClassFixture<AdoptionCorpusStore>
{
    public static TheoryData<string> Names { get; } = [.. AdoptionInvalidCorpus.All.Keys];

    [Fact]
    public void the_corpus_over_both_apis_has_at_least_300_cases_and_covers_every_adoption_endpoint()
    {
        var total = AdoptionInvalidCorpus.All.Count + InvalidCorpus.All.Count;
        Assert.True(total >= 300, $"only {total} invalid cases");
        string[] endpoints =
        [
            "POST /api/cases", "GET /api/cases?", "GET /api/cases/{case}", "PATCH /api/cases/{case}", "POST /api/cases/{case}/status",
            "DELETE /api/cases/{case}", "POST /api/cases/{case}/assignments", "DELETE /api/cases/{case}/assignments/", "POST /api/cases/{case}/documents",
            "GET /api/cases/{absent}/documents", "PATCH /api/cases/{case}/documents/", "DELETE /api/cases/{case}/documents/", "GET /api/cases/{case}/audit",
            "POST /callbacks/about-to-start", "POST /callbacks/mid-event",
        ];
        var requests = AdoptionInvalidCorpus.All.Values.Select(c => $"{c.Request.Method} {c.Request.Path}").ToList();
        Assert.All(endpoints, endpoint => Assert.Contains(requests, request => request.StartsWith(endpoint, StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task invalid_input_gets_a_4xx_problem_naming_the_field_and_changes_nothing(string name)
    {
        await store.EnsureStartedAsync(postgres);
        var (request, expected, field) = AdoptionInvalidCorpus.All[name];
        request = request with { Path = store.Resolve(request.Path) };
        using var client = store.Service.CreateClient();
        var before = await StoreSnapshot.TakeAsync(store.Service.DataSource);

        var reply = await request.SendAsync(client, TestContext.Current.CancellationToken);

        Assert.True(expected == reply.Code, $"{name}: expected {expected}, got {reply}");
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.StartsWith("urn:ccd:problem:", reply.Json["type"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(reply.Json["traceId"]?.GetValue<string>()), $"{name}: no trace id in {reply}");
        if (field is not null)
        {
            var named = reply.Json["field"]?.GetValue<string>() == field
                || (reply.Json["detail"]?.GetValue<string>() ?? "").Contains($"'{field}'", StringComparison.Ordinal);
            Assert.True(named, $"{name}: the problem does not name '{field}': {reply}");
        }

        var after = await StoreSnapshot.TakeAsync(store.Service.DataSource);
        Assert.True(before.Differences(after).Count == 0, $"{name} changed the store: {string.Join("; ", before.Differences(after))}");
    }
}
