using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Reliability.Tests.HostileInput;
using Reliability.Tests.Support;
using Xunit;
using static Reliability.Tests.AdoptionApi.AdoptionService;

namespace Reliability.Tests.AdoptionApi;

/// <summary>
/// The valid half of the hostile corpus over the adoption REST API: hostile text (<see cref="HostileValues"/>, cut to
/// each column's limit) in every free-text member — applicant and child names on create and in a merge patch,
/// document file names and storage references, assigned user ids — is accepted, returned exactly as sent by the write,
/// the REST read and the A58 case view CCD reads on <c>/ccd-persistence</c>, and changes nothing outside its case.
/// </summary>
public sealed class AdoptionValidHostileInputTests(PostgresServer postgres, AdoptionHostileStore store) : IClassFixture<AdoptionHostileStore>
{
    private static readonly string[] Places = ["create_names", "patch_names", "document", "assignment_user"];

    // Bodies carry non-ASCII as UTF-8, as a browser sends it, not as \u escapes.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, string> Cases { get; } = Build();

    [Fact]
    public void the_valid_half_over_both_apis_has_at_least_250_cases() =>
        Assert.True(Cases.Count + ValidHostileInputTests.Cases.Count >= 250, $"only {Cases.Count} + {ValidHostileInputTests.Cases.Count} valid hostile cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task hostile_but_valid_text_round_trips_exactly_through_rest_and_the_ccd_view_and_harms_nothing(string place, string label)
    {
        await store.EnsureStartedAsync(postgres);
        var text = HostileValues.All.Single(value => value.Label == label).Text;
        using var client = store.Service.CreateClient();

        if (place == "create_names")
        {
            var name = HostileValues.Within(text, 200);
            var before = await StoreSnapshot.TakeAsync(store.Service.DataSource);
            var created = await Send(client, 201, Api("POST", "/api/cases", Json(new JsonObject { ["courtCode"] = "BFC", ["applicantName"] = name, ["childName"] = name })));
            var (id, reference) = (created["id"]!.GetValue<string>(), long.Parse(created["ccdReference"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
            await AssertNamesAsync(client, created, id, reference, name);

            // Creating takes the next case number of its court: the one change outside the case's own rows.
            var after = await StoreSnapshot.TakeAsync(store.Service.DataSource, reference, Guid.Parse(id));
            var changed = before.Differences(after).Where(table => !table.StartsWith("adoption.court_sequences:", StringComparison.Ordinal)).ToList();
            Assert.True(changed.Count == 0, $"{label} changed other cases: {string.Join("; ", changed)}");
            return;
        }

        var plain = await Send(client, 201, Api("POST", "/api/cases", """{"courtCode":"BFC","applicantName":"Plain","childName":"Plain"}"""));
        var caseId = plain["id"]!.GetValue<string>();
        var ccdReference = long.Parse(plain["ccdReference"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var snapshot = await StoreSnapshot.TakeAsync(store.Service.DataSource, ccdReference, Guid.Parse(caseId));

        switch (place)
        {
            case "patch_names":
                var name = HostileValues.Within(text, 200);
                var patched = await Send(client, 200, Api("PATCH", $"/api/cases/{caseId}", Json(new JsonObject { ["applicantName"] = name, ["childName"] = name, ["version"] = 1 })));
                await AssertNamesAsync(client, patched, caseId, ccdReference, name);
                break;
            case "document":
                var fileName = HostileValues.Within(text, 255);
                var storageRef = HostileValues.Within(text + text, 1024);
                var added = await Send(client, 201, Api("POST", $"/api/cases/{caseId}/documents", Json(new JsonObject
                {
                    ["fileName"] = fileName, ["contentType"] = "application/pdf", ["sizeBytes"] = 1, ["storageRef"] = storageRef,
                })));
                Assert.Equal(fileName, added["fileName"]!.GetValue<string>());
                Assert.Equal(storageRef, added["storageRef"]!.GetValue<string>());
                var listed = (await Send(client, 200, Api("GET", $"/api/cases/{caseId}/documents"))).AsArray().Single()!;
                Assert.Equal(fileName, listed["fileName"]!.GetValue<string>());
                Assert.Equal(storageRef, listed["storageRef"]!.GetValue<string>());
                var viewed = (await CcdViewAsync(client, ccdReference))["documents"]!.AsArray().Single()!["value"]!;
                Assert.Equal(fileName, viewed["fileName"]!.GetValue<string>());
                Assert.Equal(storageRef, viewed["storageRef"]!.GetValue<string>());
                break;
            default:
                var userId = HostileValues.Within(text, 64);
                var assigned = await Send(client, 201, Api("POST", $"/api/cases/{caseId}/assignments", Json(new JsonObject { ["userId"] = userId, ["role"] = "cafcass" })));
                Assert.Equal(userId, assigned["userId"]!.GetValue<string>());
                var read = await Send(client, 200, Api("GET", $"/api/cases/{caseId}"));
                Assert.Equal(userId, read["assignments"]!.AsArray().Single()!["userId"]!.GetValue<string>());
                var view = await CcdViewAsync(client, ccdReference);
                Assert.Equal(userId, view["assignments"]!.AsArray().Single()!["value"]!["userId"]!.GetValue<string>());
                break;
        }

        var differences = snapshot.Differences(await StoreSnapshot.TakeAsync(store.Service.DataSource, ccdReference, Guid.Parse(caseId)));
        Assert.True(differences.Count == 0, $"{place}/{label} changed other cases: {string.Join("; ", differences)}");
    }

    private static TheoryData<string, string> Build()
    {
        var data = new TheoryData<string, string>();
        foreach (var place in Places)
        {
            foreach (var (label, text) in HostileValues.All)
            {
                // Blank text is refused in every one of these members (the invalid half covers it); a file name has no folders.
                if (string.IsNullOrWhiteSpace(text) || (place == "document" && text.IndexOfAny(['/', '\\']) >= 0))
                {
                    continue;
                }

                data.Add(place, label);
            }
        }

        return data;
    }

    private static async Task AssertNamesAsync(HttpClient client, JsonNode written, string id, long reference, string name)
    {
        Assert.Equal(name, written["applicantName"]!.GetValue<string>());
        Assert.Equal(name, written["childName"]!.GetValue<string>());
        var read = await Send(client, 200, Api("GET", $"/api/cases/{id}"));
        Assert.Equal(name, read["applicantName"]!.GetValue<string>());
        Assert.Equal(name, read["childName"]!.GetValue<string>());
        var view = await CcdViewAsync(client, reference);
        Assert.Equal(name, view["applicantName"]!.GetValue<string>());
        Assert.Equal(name, view["childName"]!.GetValue<string>());
    }

    /// <summary>The A58 case data CCD's data store reads, with CCD's user and service tokens.</summary>
    private static async Task<JsonNode> CcdViewAsync(HttpClient client, long reference)
    {
        var read = await Send(client, 200, new RawRequest("GET", $"/ccd-persistence/cases?case-refs={reference}"));
        return read.AsArray().Single()!["case_details"]!["case_data"]!;
    }

    private static string Json(JsonObject body) => body.ToJsonString(Relaxed);

    private static async Task<JsonNode> Send(HttpClient client, int status, RawRequest request)
    {
        var reply = await request.SendAsync(client, TestContext.Current.CancellationToken);
        Assert.True(status == reply.Code, $"{request.Method} {request.Path}: expected {status}, got {reply}");
        return reply.Json;
    }
}

/// <summary>The adoption service of the valid half: each case writes only its own new case.</summary>
public sealed class AdoptionHostileStore : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AdoptionService? _service;

    internal AdoptionService Service => _service ?? throw new InvalidOperationException("Not started.");

    public async Task EnsureStartedAsync(PostgresServer postgres)
    {
        await _gate.WaitAsync();
        try
        {
            _service ??= await StartAsync(postgres);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        _gate.Dispose();
    }
}
