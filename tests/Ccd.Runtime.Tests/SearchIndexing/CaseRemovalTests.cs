using System.Text.Json.Nodes;
using Ccd.Runtime.SearchIndexing;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

public sealed class CaseRemovalTests(PostgresServer postgres)
{
    private static readonly JsonObject WithSearchCriteria = new() { ["SearchCriteria"] = new JsonObject(), ["applicant"] = "Ann" };

    [Fact]
    public async Task a_soft_deleted_case_has_its_documents_deleted_from_both_indexes()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        var reference = CaseWriter.Reference(1);
        await new CaseWriter(dataSource).CreateAsync(reference, id: 11, (JsonObject)WithSearchCriteria.DeepClone());
        await using var app = await IndexingTestHost.StartAsync(connectionString, fake);
        await fake.WaitForAsync(f => f.Get("global_search", "11") is not null && f.Get("a58_cases", "11") is not null, IndexingTestHost.Ceiling);

        Assert.True(await RemoveAsync(dataSource, reference));

        await fake.WaitForAsync(f => f.Documents("a58_cases").Count == 0 && f.Documents("global_search").Count == 0, IndexingTestHost.Ceiling, "both documents deleted");
        var deletes = fake.Items.Where(i => i.Action == "delete").ToList();
        Assert.Equal(["a58_cases", "global_search"], deletes.Select(d => d.Index).Order());
        Assert.All(deletes, d => Assert.Equal(2, d.Version));
        Assert.Equal(1, await IndexingTestHost.ScalarAsync(dataSource, $"SELECT count(*) FROM ccd.case_data WHERE reference = {reference} AND removed_at IS NOT NULL"));
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);
    }

    [Fact]
    public async Task a_disposed_case_whose_rows_are_gone_is_still_deleted_from_both_indexes_under_its_reference()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var fake = await FakeElasticsearch.StartAsync();
        var reference = CaseWriter.Reference(2);
        var id = reference.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await new CaseWriter(dataSource).CreateAsync(reference, id: null, (JsonObject)WithSearchCriteria.DeepClone());
        await using var app = await IndexingTestHost.StartAsync(connectionString, fake);
        await fake.WaitForAsync(f => f.Get("global_search", id) is not null, IndexingTestHost.Ceiling);

        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            Assert.True(await CaseRemoval.RemoveAsync(connection, transaction, reference, TimeProvider.System, TestContext.Current.CancellationToken));
            await using var dispose = new NpgsqlCommand(
                $"DELETE FROM ccd.case_event WHERE case_reference = {reference}; DELETE FROM ccd.case_data WHERE reference = {reference}", connection, transaction);
            await dispose.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        await fake.WaitForAsync(f => f.Documents("a58_cases").Count == 0 && f.Documents("global_search").Count == 0, IndexingTestHost.Ceiling, "both documents deleted");
        Assert.True(fake.Get("a58_cases", id)!.Deleted);
        await IndexingTestHost.WaitForEmptyQueueAsync(dataSource);
    }

    [Fact]
    public async Task removal_rolls_back_with_the_callers_transaction_and_an_unknown_case_is_reported()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var reference = CaseWriter.Reference(3);
        await new CaseWriter(dataSource).CreateAsync(reference, id: 3, new JsonObject());
        await using (var clear = dataSource.CreateCommand("DELETE FROM ccd.es_queue"))
        {
            await clear.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            Assert.True(await CaseRemoval.RemoveAsync(connection, transaction, reference, TimeProvider.System, TestContext.Current.CancellationToken));
            Assert.False(await CaseRemoval.RemoveAsync(connection, transaction, CaseWriter.Reference(999), TimeProvider.System, TestContext.Current.CancellationToken));
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_queue"));
        Assert.Equal(0, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.es_removed_cases"));
        Assert.Equal(0, await IndexingTestHost.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.case_data WHERE removed_at IS NOT NULL"));
    }

    [Fact]
    public async Task an_index_request_older_than_the_removal_cannot_bring_the_document_back()
    {
        await using var fake = await FakeElasticsearch.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.Url };
        var client = new ElasticsearchBulkClient(http);

        var outcomes = await client.BulkAsync(BulkRequest.Of(
        [
            new BulkOperation(BulkAction.Index, "a58_cases", "1", 3, """{"case_revision":3}"""u8.ToArray()),
            new BulkOperation(BulkAction.Delete, "a58_cases", "1", 4, null),
            new BulkOperation(BulkAction.Index, "a58_cases", "1", 3, """{"case_revision":3}"""u8.ToArray()),
        ]), TestContext.Current.CancellationToken);

        Assert.Equal([201, 200, 409], outcomes.Select(o => o.Status));
        Assert.True(fake.Get("a58_cases", "1")!.Deleted);
    }

    private static async Task<bool> RemoveAsync(NpgsqlDataSource dataSource, long reference)
    {
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        var removed = await CaseRemoval.RemoveAsync(connection, transaction, reference, TimeProvider.System, TestContext.Current.CancellationToken);
        await transaction.CommitAsync(TestContext.Current.CancellationToken);
        return removed;
    }
}
