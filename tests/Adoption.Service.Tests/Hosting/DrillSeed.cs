using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Testing;
using Ccd.Runtime.Wire;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>
/// A small production-like store written only through the service's APIs: A58 cases from the REST API and from
/// CCD (assignments, documents, a merge patch, status changes, supplementary data, a soft-deleted case) and
/// cases of a configuration-only blob case type <c>B1</c>, one carrying global-search criteria.
/// </summary>
internal static class DrillSeed
{
    public const string BlobType = "B1";

    private static readonly CcdCaseType BlobCaseType = new(BlobType, "ADOPTION");

    // CCD's internal ids of the B1 pointers: far from the ones the harness hands out.
    private static long _internalId = 70_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The <c>B1</c> case type, declared in configuration only.</summary>
    public static Dictionary<string, string?> BlobTypeConfiguration() => new()
    {
        ["Ccd:CaseTypes:0:Id"] = BlobType,
        ["Ccd:CaseTypes:0:Jurisdiction"] = "ADOPTION",
        ["Ccd:CaseTypes:0:HmctsServiceId"] = "ABA4",
        ["Ccd:CaseTypes:0:Events:0:Id"] = "create",
        ["Ccd:CaseTypes:0:Events:0:Publish"] = "true",
        ["Ccd:CaseTypes:0:Events:0:PublishedFields:0:Name"] = "note",
        ["Ccd:CaseTypes:0:Events:1:Id"] = "update",
    };

    /// <summary>Writes the store; returns the id of the soft-deleted adoption case.</summary>
    public static async Task<Guid> SeedAsync(AdoptionApp app)
    {
        // REST: three courts, assignments, documents, a merge patch, a status change and a soft delete.
        var bfc = await app.CreateCaseAsync("BFC", applicant: "Ada Lovelace", child: "Byron Lovelace");
        var mfc = await app.CreateCaseAsync("MFC", applicant: "Zoë Ångström", child: "Łukasz Ångström");
        var deleted = await app.CreateCaseAsync("LFC", applicant: "Gone Soon", child: "Gone Child");
        await app.AssignAsync(bfc.Id(), "sw-1", "social-worker");
        await app.AssignAsync(bfc.Id(), "adopter-1", "adopter");
        await app.AssignAsync(mfc.Id(), "cafcass-1", "cafcass");
        foreach (var (id, file) in new[] { (bfc.Id(), "consent.pdf"), (bfc.Id(), "report.pdf"), (deleted.Id(), "letter.pdf") })
        {
            using var document = await app.Admin().PostAsJsonAsync($"/api/cases/{id}/documents",
                new { fileName = file, contentType = "application/pdf", sizeBytes = 4096, sha256 = new string('a', 64) }, Ct);
            Assert.Equal(HttpStatusCode.Created, document.StatusCode);
        }

        using (var patch = await app.Admin().PatchJsonAsync($"/api/cases/{mfc.Id()}", """{"applicantEmail":"zoe@example.org","childDateOfBirth":"2019-07-01"}""", "\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        using (var status = await app.Admin().PostAsJsonAsync($"/api/cases/{mfc.Id()}/status", new { status = "DIRECTIONS", version = 2 }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }

        var deletedVersion = (await app.Admin().GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cases/{deleted.Id()}", Ct)).Version();
        using (var delete = await app.Admin().DeleteAsync($"/api/cases/{deleted.Id()}", $"\"{deletedVersion}\""))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        // CCD: two applications with CCD's TTL, an event and supplementary data.
        var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");
        var fromCcd = new[] { CaseReference.Mint(), CaseReference.Mint() };
        foreach (var reference in fromCcd)
        {
            var (created, _) = await ccd.SubmitApplicationAsync(reference, new JsonObject { ["courtCode"] = "BFC", ["applicantName"] = "Jo Bloggs", ["childName"] = "Max" }, "2040-01-31");
            Assert.Equal(HttpStatusCode.Created, created);
        }

        var read = await ccd.ReadAsync(fromCcd[0]);
        var (directions, _) = await ccd.UpdateAsync(fromCcd[0], "issueDirections", "DIRECTIONS", read!["case_details"]!["version"]!.GetValue<int>(),
            read["case_details"]!["case_data"]!.AsObject(), new CcdSubmitOptions { ResolvedTtl = "2040-01-31" });
        Assert.Equal(HttpStatusCode.Created, directions);
        var ccdClient = CcdHttp(app.App);
        await SupplementaryAsync(ccdClient, fromCcd[1], """{"supplementary_data_updates":{"$set":{"orgs.court":"BFC"},"$inc":{"counts.views":3}}}""");

        // B1, a blob case type: creates, an update, supplementary data; one case carries SearchCriteria.
        for (var n = 1; n <= 3; n++)
        {
            var data = new JsonObject { ["note"] = $"note {n}", ["amount"] = n * 1.5, ["tags"] = new JsonArray("a", $"é{n}") };
            if (n == 2)
            {
                data["SearchCriteria"] = new JsonObject { ["OtherCaseReferences"] = new JsonArray(new JsonObject { ["value"] = "REF-2" }) };
            }

            var reference = CaseReference.Mint();
            Assert.Equal(HttpStatusCode.Created, (await SubmitBlobAsync(ccdClient, reference, "create", version: null, data, Guid.NewGuid())).Status);
            if (n == 3)
            {
                data["note"] = "updated";
                Assert.Equal(HttpStatusCode.Created, (await SubmitBlobAsync(ccdClient, reference, "update", version: 1, data, Guid.NewGuid())).Status);
                await SupplementaryAsync(ccdClient, reference, """{"supplementary_data_updates":{"$inc":{"counts.opened":1}}}""");
            }
        }

        return Guid.Parse(deleted.Id());
    }

    /// <summary>A client calling as CCD's data store does, for an administrator.</summary>
    public static HttpClient CcdHttp(TestServiceApp app) =>
        app.CreateClient(TestTokens.User("admin-1", ["admin"], [], "Ada", "Admin"), TestTokens.Service());

    /// <summary>Submits a <c>B1</c> event as CCD would; the same key on two stores makes the same request.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> SubmitBlobAsync(HttpClient client, long reference, string eventId, int? version, JsonObject data, Guid key)
    {
        var options = new CcdSubmitOptions { Summary = $"{eventId} summary", InternalCaseId = version is null ? Interlocked.Increment(ref _internalId) : null };
        var body = version is null
            ? CcdEventBodies.Create(BlobCaseType, reference, eventId, "Open", data, options)
            : CcdEventBodies.Update(BlobCaseType, reference, eventId, "Open", version.Value, data, options);
        var answer = await new CcdDataStoreClient(client, BlobCaseType).SubmitAsync(body, key);
        return (answer.Status, answer.Text);
    }

    private static async Task SupplementaryAsync(HttpClient client, long reference, string json) =>
        Assert.Equal(HttpStatusCode.OK, (await new CcdDataStoreClient(client).UpdateSupplementaryDataRawAsync(reference, json)).Status);
}
