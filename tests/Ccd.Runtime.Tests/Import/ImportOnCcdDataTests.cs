using Ccd.Runtime.Commands;
using System.Net;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Import;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Import;

/// <summary>Import on what CCD really writes: version 0, late-committing events, deletions in CCD, re-runs after the switch.</summary>
public sealed class ImportOnCcdDataTests(PostgresServer postgres)
{
    [Fact]
    public async Task cases_at_ccd_version_0_are_imported_at_version_1_and_verify_maps_the_version_the_same_way()
    {
        // One event per case: CCD's entity version is 0, except on every seventh (data changed without an event).
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 40, eventsPerCase: 1);
        Assert.Equal(35L, await ImportFixture.ScalarAsync<long>(fixture.Source, "SELECT count(*) FROM case_data WHERE version = 0"));
        await fixture.ImportAsync(ImportPhase.Preload);
        var fresh = StoreSeed.WithCheckDigit(170000000000001);
        await CcdSourceDatabase.AddCaseAsync(fixture.SourceConnection, fresh, "A58"); // a new case at version 0 in the preload window
        await CcdSourceDatabase.AddEventAsync(fixture.SourceConnection, fresh, "created", versionStep: 0, state: "Open");

        var cutover = await fixture.ImportAsync(ImportPhase.Cutover);

        Assert.Equal(1, cutover.Cases);
        // 31 imported cases at version 0 (36 of A58 and B1, less 5 at version 6) and the new one.
        Assert.Equal(32L, await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT count(*) FROM ccd.case_data WHERE version = 1 AND revision = 1"));
        Assert.All(await fixture.VerifyAsync(), r => Assert.True(r.Passed, r.Summary));
    }

    [Fact]
    public async Task an_event_with_two_significant_items_in_ccd_is_imported_with_the_newest_only()
    {
        // Our store holds at most one significant item per event (migration 0070); CCD's table allows several.
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 10, eventsPerCase: 1);
        var eventId = await ImportFixture.ScalarAsync<long>(fixture.Source,
            "SELECT min(case_event_id)::bigint FROM case_event_significant_items");
        await ImportFixture.ExecuteAsync(fixture.Source,
            $"INSERT INTO case_event_significant_items (description, type, url, case_event_id) VALUES ('Second document', 'DOCUMENT', 'https://dm-store/documents/second', {eventId})");

        await fixture.ImportAsync(ImportPhase.All);

        Assert.Equal(1L, await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT count(*) FROM ccd.case_event_significant_items WHERE case_event_id = {eventId}"));
        Assert.Equal("Second document", await ImportFixture.ScalarAsync<string>(fixture.Target, $"SELECT description FROM ccd.case_event_significant_items WHERE case_event_id = {eventId}"));
    }

    [Fact]
    public async Task an_event_committed_after_the_preload_with_an_id_below_its_mark_is_imported_at_cutover()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 30, eventsPerCase: 3);
        await fixture.ImportAsync(ImportPhase.Preload);
        var reference = CcdSourceDatabase.Reference(2);
        await CcdSourceDatabase.AddLateCommittedEventAsync(fixture.SourceConnection, reference, eventId: 4999);

        await fixture.ImportAsync(ImportPhase.Cutover);

        Assert.Equal(1L, await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT count(*) FROM ccd.case_event WHERE id = 4999 AND case_reference = {reference} AND summary = 'committed late'"));
        Assert.Equal(4L, await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT count(*) FROM ccd.case_event WHERE case_reference = {reference}"));
        Assert.All(await fixture.VerifyAsync(), r => Assert.True(r.Passed, r.Summary));
    }

    [Fact]
    public async Task cutover_removes_the_imported_cases_ccd_deleted_since_the_preload_and_nothing_else_and_counts_cases()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 40, eventsPerCase: 3);
        await fixture.ImportAsync(ImportPhase.Preload);
        var deleted = new[] { CcdSourceDatabase.Reference(3), CcdSourceDatabase.Reference(8) }; // an A58 and a B1
        foreach (var reference in deleted)
        {
            await CcdSourceDatabase.DeleteCaseAsync(fixture.SourceConnection, reference);
        }

        // A case changed in CCD after the preload: written again at cutover, still one case.
        await CcdSourceDatabase.AddEventAsync(fixture.SourceConnection, CcdSourceDatabase.Reference(1), "late");
        var others = await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT count(*) FROM ccd.case_event WHERE case_reference NOT IN ({string.Join(",", deleted)})");

        var cutover = await fixture.ImportAsync(ImportPhase.Cutover);

        Assert.Equal(deleted.Order(), cutover.Removed.Order());
        foreach (var reference in deleted)
        {
            Assert.Equal(0L, await ImportFixture.ScalarAsync<long>(fixture.Target, $"""
                SELECT (SELECT count(*) FROM ccd.case_data WHERE reference = {reference}) + (SELECT count(*) FROM ccd.case_event WHERE case_reference = {reference})
                     + (SELECT count(*) FROM ccd.import_cases WHERE reference = {reference})
                """));
            // Its search documents are deleted through the queue, as for retention.
            Assert.Equal(1L, await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT count(*) FROM ccd.es_removed_cases WHERE reference = {reference}"));
        }

        Assert.Equal(others + 1, await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT count(*) FROM ccd.case_event"));
        Assert.All(await fixture.VerifyAsync(), r => Assert.True(r.Passed, r.Summary));
        // The progress rows count the cases held, not the writes (case 1 was written twice).
        Assert.Equal(
            await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT count(*) FROM ccd.case_data"),
            await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT sum(cases_copied)::bigint FROM ccd.data_migration_progress"));
    }

    [Fact]
    public async Task a_re_run_after_the_switch_never_replaces_a_case_that_changed_here_since_its_import()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 20, eventsPerCase: 2);
        await fixture.ImportAsync(ImportPhase.All);
        var live = CcdSourceDatabase.Reference(1);
        await using (var app = await TestServiceApp.StartAsync(new CcdServiceDefinition
                     {
                         ConfigureServices = builder => builder.AddCcdRuntime(),
                         ConfigureApp = web => web.MapCcdPersistence(),
                     }, fixture.TargetConnection, new Dictionary<string, string?>
                     {
                         ["Ccd:CaseTypes:0:Id"] = "A58", ["Ccd:CaseTypes:0:Jurisdiction"] = "ADOPTION", ["Ccd:CaseTypes:0:Events:0:Id"] = "updateCase",
                     }))
        {
            using var ccd = new CcdDataStoreClient(app.CreateCcdClient());
            var read = (await ccd.ReadAsync(live))!;
            var data = read["case_details"]!["case_data"]!.AsObject().DeepClone().AsObject();
            data["afterSwitch"] = true;
            var body = Payloads.Update(live, "A58", "updateCase", data, read["case_details"]!["version"]!.GetValue<int>(), read["case_details"]!["state"]!.GetValue<string>());
            body["case_details"]!["jurisdiction"] = "ADOPTION";
            body["case_details_before"]!["jurisdiction"] = "ADOPTION";
            Assert.Equal(HttpStatusCode.Created, (await ccd.SubmitAsync(body)).Status);
        }

        var liveRow = await ImportFixture.ScalarAsync<string>(fixture.Target, $"SELECT c::text FROM ccd.case_data c WHERE reference = {live}");
        // CCD's stale row changes too (a late write there), and the progress rows are deleted to re-run the import.
        await CcdSourceDatabase.AddEventAsync(fixture.SourceConnection, live, "stale write in CCD");
        await ImportFixture.ExecuteAsync(fixture.Target, "DELETE FROM ccd.data_migration_progress");

        var again = await fixture.ImportAsync(ImportPhase.All);

        Assert.Equal([live], again.MovedOn);
        Assert.Equal(liveRow, await ImportFixture.ScalarAsync<string>(fixture.Target, $"SELECT c::text FROM ccd.case_data c WHERE reference = {live}"));
        Assert.Equal(0L, await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT count(*) FROM ccd.case_event WHERE case_reference = {live} AND summary = 'stale write in CCD'"));
    }

    [Fact]
    public async Task a_run_stops_at_its_run_time_ceiling_between_batches_and_the_next_run_resumes_there()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 40, eventsPerCase: 2);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));
        var importer = new CaseImporter(fixture.Target, fixture.Source, time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var options = new ImportOptions
        {
            CaseTypes = ["A58"], Phase = ImportPhase.Preload, BatchSize = 5, MaxRunTime = TimeSpan.FromMinutes(1),
            // Each batch takes 40 s of the application clock.
            FaultPoint = point => time.Advance(point == ImportFaultPoint.BetweenPreloadBatches ? TimeSpan.FromSeconds(40) : TimeSpan.Zero),
        };

        var stopped = await Assert.ThrowsAsync<ImportException>(() => importer.RunAsync(options, NoImportProgress.Instance, TestContext.Current.CancellationToken));

        Assert.Contains("run-time ceiling", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(10L, await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT cases_copied FROM ccd.data_migration_progress WHERE case_type_id = 'A58'"));
        await importer.RunAsync(new ImportOptions { CaseTypes = ["A58"], Phase = ImportPhase.All, BatchSize = 5 }, NoImportProgress.Instance, TestContext.Current.CancellationToken);
        Assert.True((await fixture.VerifyAsync("A58")).Single().Passed);
    }

    [Fact]
    public async Task an_unknown_case_type_is_refused_naming_it_and_a_row_the_store_refuses_names_its_case()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 10, eventsPerCase: 2);

        var unknown = await Assert.ThrowsAsync<ImportException>(() => fixture.ImportAsync(ImportPhase.All, caseTypes: "a58"));
        Assert.Contains("'a58'", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT count(*) FROM ccd.data_migration_progress"));

        var broken = CcdSourceDatabase.Reference(5);
        await ImportFixture.ExecuteAsync(fixture.Source, $"UPDATE case_data SET data = '[\"not an object\"]' WHERE reference = {broken}");
        var refused = await Assert.ThrowsAsync<ImportException>(() => fixture.ImportAsync(ImportPhase.All));
        Assert.Equal($"Case {broken} cannot be imported: its data is not a JSON object.", refused.Message);

        // On the command line, a case type the service does not declare stops the import before anything is read.
        var host = new CcdServiceDefinition { ConfigureServices = builder => builder.AddCcdRuntime(), ConfigureApp = _ => { } };
        var exit = await host.RunAsync(["import", "--case-types", "A58", "--source", fixture.SourceConnection, "--APP_ENV=TEST",
            $"--TEST_DATABASE_URL={fixture.TargetConnection}", $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}"]);
        Assert.Equal(2, exit);
    }
}
