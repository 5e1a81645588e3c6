using System.Text.Json.Nodes;
using Ccd.Runtime.Commands;
using Ccd.Runtime.Status;
using Ccd.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Status;

public sealed class StatusReaderTests(PostgresServer postgres)
{
    private static readonly DateTime Now = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task status_reports_the_true_figures_of_a_seeded_database()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await SeedAsync(dataSource);

        var report = await new StatusReader(dataSource, new FakeTimeProvider(Now)).ReadAsync(TestContext.Current.CancellationToken);
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(report, StatusCommand.Json))!;

        // The latest migration file the runtime ships is the schema version.
        Assert.Equal(Ccd.Runtime.Schema.MigrationSource.Ccd.Scripts[^1].Name, json["schema"]!["ccd"]!.GetValue<string>());
        Assert.Equal(3, json["cases_by_case_type"]!["A58"]!.GetValue<long>());
        Assert.Equal(2, json["cases_by_case_type"]!["B1"]!.GetValue<long>());
        Assert.Equal(2, json["cases_by_case_type"]!.AsObject().Count);
        Assert.Equal(3, json["search_queue"]!["depth"]!.GetValue<long>());
        Assert.Equal(600, json["search_queue"]!["oldest_age_seconds"]!.GetValue<long>());
        Assert.Equal(1, json["search_dead_letters"]!.GetValue<long>());
        Assert.Equal(2, json["outbox"]!["depth"]!.GetValue<long>());
        Assert.Equal(3600, json["outbox"]!["oldest_age_seconds"]!.GetValue<long>());
        Assert.Equal(1, json["jobs"]!["queued"]!.GetValue<long>());
        Assert.Equal(0, json["jobs"]!["running"]!.GetValue<long>());
        Assert.Equal(2, json["jobs"]!["failed"]!.GetValue<long>());
        var import = json["imports"]!.AsArray().Single()!;
        Assert.Equal("B1", import["case_type_id"]!.GetValue<string>());
        Assert.Equal("cutover", import["phase"]!.GetValue<string>());
        Assert.Equal(4242, import["high_water_mark"]!.GetValue<long>());
        Assert.Equal(2, import["cases_copied"]!.GetValue<long>());
        Assert.Equal(7, import["events_copied"]!.GetValue<long>());
    }

    [Fact]
    public async Task an_empty_store_reports_zeros_and_no_ages()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

        var report = await new StatusReader(dataSource, new FakeTimeProvider(Now)).ReadAsync(TestContext.Current.CancellationToken);

        Assert.Empty(report.CasesByCaseType);
        Assert.Equal(new QueueFigures(0, null), report.SearchQueue);
        Assert.Equal(new QueueFigures(0, null), report.Outbox);
        Assert.Equal(new JobFigures(0, 0, 0), report.Jobs);
        Assert.Empty(report.Imports);
        Assert.Contains("0 waiting", StatusCommand.Render(report), StringComparison.Ordinal);
    }

    private static async Task SeedAsync(NpgsqlDataSource dataSource)
    {
        var at = new DateTime(2026, 2, 1, 9, 0, 0, DateTimeKind.Unspecified);
        for (var i = 1; i <= 3; i++)
        {
            await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(i), "A58", events: i, at);
        }

        await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(4), "B1", events: 1, at);
        await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(5), "B1", events: 1, at);
        // A removed case is no longer served and is not counted.
        await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(6), "B1", events: 1, at);
        await StoreSeed.ExecuteAsync(dataSource, $"UPDATE ccd.case_data SET removed_at = '2026-02-02' WHERE reference = {StoreSeed.Reference(6)}");

        // Search queue: oldest live row 10 minutes old; bulk re-index work queued in the future does not count as old.
        await StoreSeed.ExecuteAsync(dataSource, $$"""
            INSERT INTO ccd.es_queue (reference, case_revision, enqueued_at) VALUES
                ({{StoreSeed.Reference(1)}}, 1, '2026-03-01 11:50:00'),
                ({{StoreSeed.Reference(2)}}, 2, '2026-03-01 11:59:00'),
                ({{StoreSeed.Reference(3)}}, 3, '2026-03-02 00:00:00');
            INSERT INTO ccd.es_dead_letter_queue (reference, case_revision, index_name, reason, created_at)
                VALUES ({{StoreSeed.Reference(4)}}, 1, 'b1_cases', 'mapping error', '2026-03-01 10:00:00');
            INSERT INTO ccd.message_queue_candidates (reference, message_type, time_stamp, published, message_information) VALUES
                ({{StoreSeed.Reference(1)}}, 'CASE_EVENT', '2026-03-01 10:00:00', '2026-03-01 10:00:01', '{}'),
                ({{StoreSeed.Reference(1)}}, 'CASE_EVENT', '2026-03-01 11:00:00', NULL, '{}'),
                ({{StoreSeed.Reference(2)}}, 'CASE_EVENT', '2026-03-01 11:30:00', NULL, '{}');
            INSERT INTO ccd.jobs (kind, payload, idempotency_key, status, next_attempt_at, created_at, updated_at) VALUES
                ('notify', '{}', 'k1', 'queued', '2026-03-01', '2026-03-01', '2026-03-01'),
                ('notify', '{}', 'k2', 'failed', '2026-03-01', '2026-03-01', '2026-03-01'),
                ('notify', '{}', 'k3', 'failed', '2026-03-01', '2026-03-01', '2026-03-01'),
                ('notify', '{}', 'k4', 'done', '2026-03-01', '2026-03-01', '2026-03-01');
            INSERT INTO ccd.data_migration_progress (case_type_id, phase, high_water_mark, cases_copied, events_copied, started_at, updated_at)
                VALUES ('B1', 'cutover', 4242, 2, 7, '2026-02-01', '2026-02-01');
            """);
    }
}
