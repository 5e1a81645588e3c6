using Ccd.Runtime.Publishing;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Publishing;

public sealed class OutboxClaimTests(PostgresServer postgres)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(NpgsqlDataSource dataSource)
    {
        var connection = await dataSource.OpenConnectionAsync(Token);
        return (connection, await connection.BeginTransactionAsync(Token));
    }

    [Fact]
    public async Task a_claim_takes_only_the_oldest_unsent_row_of_each_case()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await OutboxSeed.InsertAsync(dataSource, count: 9, cases: 3); // events 1..9; case i holds events i+1, i+4, i+7

        var (connection, transaction) = await BeginAsync(dataSource);
        await using (connection)
        {
            var claimed = await OutboxStore.ClaimAsync(transaction, batchSize: 100, Token);

            Assert.Equal(["1", "2", "3"], claimed.Select(row => row.EventInstanceId));
            Assert.Equal(3, claimed.Select(row => row.Reference).Distinct().Count());
        }
    }

    [Fact]
    public async Task once_a_case_head_is_published_its_next_row_is_claimed()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await OutboxSeed.InsertAsync(dataSource, count: 4, cases: 2);

        var (connection, transaction) = await BeginAsync(dataSource);
        await using (connection)
        {
            var first = await OutboxStore.ClaimAsync(transaction, 100, Token);
            await OutboxStore.MarkPublishedAsync(transaction, [first[0].Id], new DateTime(2026, 1, 1), Token);
            await transaction.CommitAsync(Token);
        }

        (connection, transaction) = await BeginAsync(dataSource);
        await using (connection)
        {
            var second = await OutboxStore.ClaimAsync(transaction, 100, Token);
            Assert.Equal(["2", "3"], second.Select(row => row.EventInstanceId));
        }
    }

    [Fact]
    public async Task a_second_publisher_skips_the_cases_the_first_one_holds_and_never_takes_their_later_rows()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await OutboxSeed.InsertAsync(dataSource, count: 12, cases: 4); // case i: events i+1, i+5, i+9

        var (firstConnection, firstTransaction) = await BeginAsync(dataSource);
        var (secondConnection, secondTransaction) = await BeginAsync(dataSource);
        await using (firstConnection)
        await using (secondConnection)
        {
            var first = await OutboxStore.ClaimAsync(firstTransaction, batchSize: 2, Token);
            var second = await OutboxStore.ClaimAsync(secondTransaction, batchSize: 100, Token);

            Assert.Equal(["1", "2"], first.Select(row => row.EventInstanceId));
            Assert.Equal(["3", "4"], second.Select(row => row.EventInstanceId));
        }
    }

    [Fact]
    public async Task a_row_published_by_another_publisher_after_the_claim_began_is_not_claimed_again()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await OutboxSeed.InsertAsync(dataSource, count: 2, cases: 1);

        var (firstConnection, firstTransaction) = await BeginAsync(dataSource);
        var (secondConnection, secondTransaction) = await BeginAsync(dataSource);
        await using (firstConnection)
        await using (secondConnection)
        {
            var first = await OutboxStore.ClaimAsync(firstTransaction, 100, Token);
            await OutboxStore.MarkPublishedAsync(firstTransaction, [first[0].Id], new DateTime(2026, 1, 1), Token);
            // The second claim starts while the first holds the head: it neither waits nor takes the case's next row.
            var meanwhile = await OutboxStore.ClaimAsync(secondTransaction, 100, Token);
            await firstTransaction.CommitAsync(Token);
            var after = await OutboxStore.ClaimAsync(secondTransaction, 100, Token);

            Assert.Equal(["1"], first.Select(row => row.EventInstanceId));
            Assert.Empty(meanwhile);
            Assert.Equal(["2"], after.Select(row => row.EventInstanceId));
        }
    }

    [Fact]
    public async Task a_claimed_row_carries_the_json_body_and_the_values_for_the_message_properties()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await OutboxSeed.InsertAsync(dataSource, count: 1, cases: 1, firstEventInstanceId: 42);

        var (connection, transaction) = await BeginAsync(dataSource);
        await using (connection)
        {
            var row = Assert.Single(await OutboxStore.ClaimAsync(transaction, 100, Token));

            using var body = System.Text.Json.JsonDocument.Parse(row.Body);
            Assert.Equal(42, body.RootElement.GetProperty("EventInstanceId").GetInt64());
            Assert.Equal(("ADOPTION", "A58", "1000000000000000", "updateCase", "42"),
                (row.JurisdictionId, row.CaseTypeId, row.CaseId, row.EventId, row.EventInstanceId));
        }
    }

    [Fact]
    public async Task the_property_values_read_from_a_claimed_body_are_what_postgresql_extracts_with_its_text_operator()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        // Escapes, non-ASCII text, numbers as jsonb writes them, JSON null, a nested object and array, booleans,
        // missing keys, keys nested deeper than the top level, a body that is not an object.
        string[] bodies =
        [
            """{"JurisdictionId": "A \"quoted\" \\ back\tslash \u00e9t\u00e9 \ud83d\ude00", "CaseTypeId": "Ünïcode ✓", "CaseId": 1000000000000000, "EventId": null, "EventInstanceId": 1.50}""",
            """{"JurisdictionId": {"b": [1, 2.0, {"c": null}], "a": "x"}, "CaseTypeId": [true, false], "CaseId": true, "EventId": 1e3, "EventInstanceId": -0.000120}""",
            """{"Nested": {"JurisdictionId": "deep", "CaseId": "deep"}, "EventId": "", "EventInstanceId": "null", "jurisdictionid": "case matters"}""",
            """[{"JurisdictionId": "in an array"}]""",
            "\"JurisdictionId\"",
        ];
        await using (var insert = dataSource.CreateCommand("""
            INSERT INTO ccd.message_queue_candidates (reference, message_type, time_stamp, message_information)
            SELECT 1 + ordinality, 'CASE_EVENT', now(), body::jsonb FROM unnest(@bodies) WITH ORDINALITY AS b(body)
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter<string[]>("bodies", bodies));
            await insert.ExecuteNonQueryAsync(Token);
        }

        var extracted = new Dictionary<long, string?[]>();
        await using (var select = dataSource.CreateCommand("""
            SELECT id, message_information ->> 'JurisdictionId', message_information ->> 'CaseTypeId',
                   message_information ->> 'CaseId', message_information ->> 'EventId', message_information ->> 'EventInstanceId'
            FROM ccd.message_queue_candidates
            """))
        await using (var reader = await select.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                extracted[reader.GetInt64(0)] = [.. Enumerable.Range(1, 5).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i))];
            }
        }

        var (connection, transaction) = await BeginAsync(dataSource);
        await using (connection)
        {
            var claimed = await OutboxStore.ClaimAsync(transaction, 100, Token);

            Assert.Equal(bodies.Length, claimed.Count);
            foreach (var row in claimed)
            {
                Assert.Equal(extracted[row.Id], new[] { row.JurisdictionId, row.CaseTypeId, row.CaseId, row.EventId, row.EventInstanceId });
            }

            Assert.Equal("A \"quoted\" \\ back\tslash été 😀", claimed[0].JurisdictionId);
            Assert.Equal("""{"a": "x", "b": [1, 2.0, {"c": null}]}""", claimed[1].JurisdictionId);
        }
    }
}
