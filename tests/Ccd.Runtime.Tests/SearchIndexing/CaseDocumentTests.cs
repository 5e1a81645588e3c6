using System.Text.Json.Nodes;
using Ccd.Runtime.SearchIndexing;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

public sealed class CaseDocumentTests(PostgresServer postgres)
{
    private static readonly string[] CaseFields =
    [
        "id", "reference", "jurisdiction", "case_type_id", "index_id", "state", "security_classification", "created_date",
        "last_modified", "last_state_modified_date", "supplementary_data", "data", "case_revision", "event_id",
    ];

    [Fact]
    public async Task a_case_document_has_exactly_the_spec_fields_in_the_case_type_index_with_the_internal_id_and_revision()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        var writer = new CaseWriter(dataSource);
        var reference = CaseWriter.Reference(1);
        await writer.CreateAsync(reference, id: 42, new JsonObject { ["applicant"] = "Ann" }, supplementary: """{"HMCTSServiceId":"ABA4"}""");
        await writer.UpdateAsync(reference, new JsonObject { ["applicant"] = "Ann B" }, state: "Hearing");

        await using var app = await IndexingTestHost.StartAsync(connectionString, fake);
        await fake.WaitForAsync(f => f.Get("a58_cases", "42")?.Version == 2, IndexingTestHost.Ceiling);

        var stored = fake.Get("a58_cases", "42")!;
        var document = JsonNode.Parse(stored.Source!)!.AsObject();
        Assert.Equal(CaseFields.Order(), document.Select(p => p.Key).Order());
        Assert.Equal(42, (long)document["id"]!);
        Assert.Equal(reference, (long)document["reference"]!);
        Assert.Equal("ADOPTION", (string)document["jurisdiction"]!);
        Assert.Equal("A58", (string)document["case_type_id"]!);
        Assert.Equal("a58_cases", (string)document["index_id"]!);
        Assert.Equal("Hearing", (string)document["state"]!);
        Assert.Equal("PUBLIC", (string)document["security_classification"]!);
        Assert.Equal(2, (int)document["case_revision"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"applicant":"Ann B","view":"rendered at 2"}"""), document["data"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"HMCTSServiceId":"ABA4"}"""), document["supplementary_data"]));
        var eventRowId = await IndexingTestHost.ScalarAsync(dataSource, $"SELECT id FROM ccd.case_event WHERE case_reference = {reference} AND case_revision = 2");
        Assert.Equal(eventRowId, (long)document["event_id"]!);
        var lastModified = await IndexingTestHost.ScalarAsync(dataSource, $"SELECT extract(epoch FROM date_trunc('milliseconds', last_modified)) * 1000 FROM ccd.case_data WHERE reference = {reference}");
        Assert.Equal(lastModified, new DateTimeOffset(DateTime.SpecifyKind(DateTime.Parse((string)document["last_modified"]!, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc)).ToUnixTimeMilliseconds());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$", (string)document["created_date"]!);
        Assert.Empty(fake.Documents("global_search"));
        Assert.All(fake.Items, item => Assert.Equal("index", item.Action));
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);
    }

    [Fact]
    public async Task a_global_search_document_appears_only_with_search_criteria_and_keeps_only_the_search_fields()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        var writer = new CaseWriter(dataSource);
        var data = JsonNode.Parse("""
            {"SearchCriteria":{"OtherCaseReferences":[{"value":"X1"}]},"caseManagementLocation":{"region":"1","baseLocation":"2"},
             "CaseAccessCategory":"cat","caseNameHmctsInternal":"A v B","caseManagementCategory":{"value":{"code":"c"}},
             "applicant":"Ann","childName":"Ben"}
            """)!.AsObject();
        await writer.CreateAsync(CaseWriter.Reference(1), id: 7, data, supplementary: """{"HMCTSServiceId":"ABA4","new_case":{"x":true}}""");
        await writer.CreateAsync(CaseWriter.Reference(2), id: 8, new JsonObject { ["applicant"] = "Cy", ["note"] = "mentions SearchCriteria as text" });

        await using var app = await IndexingTestHost.StartAsync(connectionString, fake);
        await fake.WaitForAsync(f => f.Documents("a58_cases").Count == 2, IndexingTestHost.Ceiling);

        var global = Assert.Single(fake.Documents("global_search"));
        Assert.Equal("7", global.Key);
        Assert.Equal(1, global.Value.Version);
        var document = JsonNode.Parse(global.Value.Source!)!.AsObject();
        Assert.Equal(
            ["case_revision", "case_type_id", "data", "event_id", "id", "index_id", "jurisdiction", "reference", "security_classification", "state", "supplementary_data"],
            document.Select(p => p.Key).Order());
        Assert.Equal("global_search", (string)document["index_id"]!);
        Assert.Equal(
            ["CaseAccessCategory", "SearchCriteria", "caseManagementCategory", "caseManagementLocation", "caseNameHmctsInternal"],
            document["data"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"HMCTSServiceId":"ABA4"}"""), document["supplementary_data"]));
        Assert.Equal(2, fake.Items.Count(i => i.Id == "7"));
        Assert.Single(fake.Items, i => i.Id == "8");
    }

    [Fact]
    public async Task a_service_originated_case_without_an_internal_id_is_indexed_under_its_reference()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        var reference = CaseWriter.Reference(5);
        await new CaseWriter(dataSource).CreateAsync(reference, id: null, new JsonObject { ["applicant"] = "Di" });

        await using var app = await IndexingTestHost.StartAsync(connectionString, fake);
        var id = reference.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await fake.WaitForAsync(f => f.Get("a58_cases", id) is not null, IndexingTestHost.Ceiling);

        var document = JsonNode.Parse(fake.Get("a58_cases", id)!.Source!)!;
        Assert.Equal(reference, (long)document["id"]!);
        Assert.Equal(reference, (long)document["reference"]!);
    }

    [Theory]
    [InlineData(200, "Index", "Done")]
    [InlineData(201, "Index", "Done")]
    [InlineData(409, "Index", "Done")]
    [InlineData(400, "Index", "DeadLetter")]
    [InlineData(404, "Index", "DeadLetter")]
    [InlineData(404, "Delete", "Done")]
    [InlineData(429, "Index", "Retry")]
    [InlineData(500, "Index", "Retry")]
    [InlineData(503, "Delete", "Retry")]
    public void bulk_item_statuses_are_classified_as_spec_says(int status, string action, string outcome)
    {
        Assert.Equal(outcome, SearchIndexer.Classify(Enum.Parse<BulkAction>(action), status).ToString());
    }
}
