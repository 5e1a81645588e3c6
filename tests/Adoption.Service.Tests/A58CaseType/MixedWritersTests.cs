using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Testing;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.A58CaseType;

/// <summary>
/// 32 concurrent writers on one A58 case, mixing CCD submits (additive <c>addDocument</c> built on a possibly stale
/// read), REST writes (documents added through <c>/api</c>) and supplementary-data increments, while readers read.
/// </summary>
public sealed class MixedWritersTests(PostgresServer postgres)
{
    private const int Writers = 32;
    private const int WritesEach = 4;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task thirty_two_mixed_writers_lose_no_acknowledged_change_and_every_read_is_one_commit()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var caseId = created.Id();
        var reference = long.Parse(created.GetProperty("ccdReference").GetString()!, CultureInfo.InvariantCulture);
        using var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");
        using var admin = app.Admin();
        var acknowledgedDocuments = new ConcurrentBag<string>();
        var acknowledgedIncrements = 0;
        var reads = new ConcurrentBag<JsonObject>();
        using var stop = new CancellationTokenSource();

        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                reads.Add((await ccd.ReadAsync(reference))!);
            }
        }, Ct)).ToArray();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; n < WritesEach; n++)
            {
                var name = $"w{w}-{n}.pdf";
                switch (w % 3)
                {
                    case 0:
                        if (await CcdAddDocumentAsync(ccd, reference, name))
                        {
                            acknowledgedDocuments.Add(name);
                        }

                        break;
                    case 1:
                        using (var added = await admin.PostAsJsonAsync($"/api/cases/{caseId}/documents",
                            new { fileName = name, contentType = "application/pdf", sizeBytes = 10 }, Ct))
                        {
                            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
                            acknowledgedDocuments.Add(name);
                        }

                        break;
                    default:
                        var inc = await ccd.UpdateSupplementaryDataAsync(reference, new JsonObject { ["$inc"] = new JsonObject { ["counter"] = 1 } });
                        Assert.Equal(HttpStatusCode.OK, inc.Status);
                        Interlocked.Increment(ref acknowledgedIncrements);

                        break;
                }
            }
        }, Ct)).ToArray();

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        // No acknowledged change is missing from the final case.
        var final = (await ccd.ReadAsync(reference))!;
        var documents = final["case_details"]!["case_data"]!["documents"]!.AsArray().Select(d => d!["value"]!["fileName"]!.GetValue<string>()).ToHashSet();
        var missing = acknowledgedDocuments.Except(documents).ToList();
        Assert.True(missing.Count == 0, $"acknowledged but missing: {string.Join(", ", missing)}");
        Assert.Equal(acknowledgedIncrements, final["case_details"]!["supplementary_data"]!["counter"]!.GetValue<int>());
        Assert.True(acknowledgedDocuments.Count >= (Writers / 3) * WritesEach, $"only {acknowledgedDocuments.Count} documents were acknowledged");

        // Revisions stay contiguous: one per event and one per supplementary update, none skipped or repeated.
        var history = await HistoryAsync(app, reference);
        var finalRevision = final["revision"]!.GetValue<int>();
        Assert.Equal(history.Count, history.Select(h => h.Revision).Distinct().Count());
        Assert.Equal(history.Count + acknowledgedIncrements, finalRevision);

        // Every read's version, revision and data belong together: they are those of the last event at or before its revision.
        Assert.NotEmpty(reads);
        foreach (var read in reads)
        {
            var revision = read["revision"]!.GetValue<int>();
            var at = history.Where(h => h.Revision <= revision).MaxBy(h => h.Revision)!;
            Assert.Equal(at.Version, read["case_details"]!["version"]!.GetValue<int>());
            Assert.True(JsonNode.DeepEquals(at.Data, read["case_details"]!["case_data"]), $"the read at revision {revision} shows data of another commit");
        }
    }

    /// <summary>addDocument as CCD submits it: built on CCD's read, which may be stale by the time it arrives.</summary>
    private static async Task<bool> CcdAddDocumentAsync(CcdDataStoreClient ccd, long reference, string name)
    {
        var read = (await ccd.ReadAsync(reference))!;
        var before = read["case_details"]!["case_data"]!.AsObject();
        var proposed = (JsonObject)before.DeepClone();
        proposed["documents"]!.AsArray().Add(new JsonObject
        {
            ["id"] = null,
            ["value"] = new JsonObject { ["fileName"] = name, ["contentType"] = "application/pdf", ["sizeBytes"] = 10 },
        });
        var version = read["case_details"]!["version"]!.GetValue<int>();
        var revision = read["revision"]!.GetValue<int>();
        var body = JsonNode.Parse($$"""
            {"case_details_before": {"id": {{reference}}, "jurisdiction": "ADOPTION", "case_type_id": "A58", "state": "APPLICATION", "version": {{version}},
                "security_classification": "PUBLIC", "case_data": {{before.ToJsonString()}}},
             "case_details": {"id": {{reference}}, "jurisdiction": "ADOPTION", "case_type_id": "A58", "state": "APPLICATION", "version": {{version}},
                "security_classification": "PUBLIC", "case_data": {{proposed.ToJsonString()}}},
             "event_details": {"case_type": "A58", "event_id": "addDocument", "event_name": "Add document"},
             "resolved_ttl": null, "internal_case_id": null, "start_revision": {{revision}}, "merge_revision": {{revision}}}
            """)!.AsObject();
        var (status, reply) = await ccd.SubmitAsync(body, Guid.NewGuid());
        Assert.True(status == HttpStatusCode.Created, $"{status}: {reply?.ToJsonString()}");
        return true;
    }

    private static async Task<List<(int Revision, int Version, JsonNode Data)>> HistoryAsync(AdoptionApp app, long reference)
    {
        await using var command = app.Database.CreateCommand("SELECT case_revision, case_version, data::text FROM ccd.case_event WHERE case_reference = @r");
        command.Parameters.AddWithValue("r", reference);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var history = new List<(int, int, JsonNode)>();
        while (await reader.ReadAsync(Ct))
        {
            history.Add((reader.GetInt32(0), reader.GetInt32(1), JsonNode.Parse(reader.GetString(2))!));
        }

        return history;
    }
}
