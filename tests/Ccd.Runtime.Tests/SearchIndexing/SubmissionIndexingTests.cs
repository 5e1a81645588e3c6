using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

public sealed class SubmissionIndexingTests(PostgresServer postgres)
{
    [Fact]
    public async Task an_event_submitted_over_http_reaches_the_index_at_its_revision_with_the_internal_id()
    {
        await using var fake = await FakeElasticsearch.StartAsync();
        await using var service = await TestService.StartAsync(postgres, new Dictionary<string, string?> { ["Ccd:Elasticsearch:Url"] = fake.Url.ToString() });
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var create = Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "first" });
        var internalId = ((long)create["internal_case_id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(create)).Status);
        await fake.WaitForAsync(f => f.Get("ft_blob_cases", internalId)?.Version == 1, IndexingTestHost.Ceiling, "the created case is indexed");
        Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "second" }, version: 1))).Status);
        await fake.WaitForAsync(f => f.Get("ft_blob_cases", internalId)?.Version == 2, IndexingTestHost.Ceiling, "the update is indexed");

        var document = JsonNode.Parse(fake.Get("ft_blob_cases", internalId)!.Source!)!;
        Assert.Equal(reference, (long)document["reference"]!);
        Assert.Equal("second", (string)document["data"]!["note"]!);
        Assert.Equal(2, (int)document["case_revision"]!);
    }
}
