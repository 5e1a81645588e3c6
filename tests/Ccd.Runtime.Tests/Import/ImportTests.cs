using Ccd.Runtime.Import;
using Ccd.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Import;

public sealed class ImportTests(PostgresServer postgres)
{
    // Per case: history revisions must be exactly 1..n in CCD id order, and the case's revision max(n, CCD version).
    private const string RevisionRuleBreachesSql = """
        SELECT count(*) FROM ccd.case_data c
        CROSS JOIN LATERAL (
            SELECT count(*) AS n, bool_and(r.case_revision = r.expected) AS ordered
            FROM (SELECT case_revision, row_number() OVER (ORDER BY id) AS expected FROM ccd.case_event WHERE case_reference = c.reference) r
        ) h
        WHERE c.revision <> greatest(h.n, c.version) OR NOT h.ordered
        """;

    [Fact]
    public async Task import_copies_2000_cases_and_20000_events_with_equal_content_and_a_second_run_copies_nothing()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 2000, eventsPerCase: 10);

        var first = await fixture.ImportAsync(ImportPhase.All);

        // A58 and B1 are 1,800 of the 2,000 cases (every tenth is C9, not imported), with 10 events each.
        Assert.Equal(1800, first.Cases);
        Assert.Equal(18000, first.Events);
        var results = await fixture.VerifyAsync();
        Assert.All(results, result => Assert.True(result.Passed, result.Summary));
        Assert.Equal(1800, results.Sum(result => result.TargetCases));
        Assert.Equal(18000, results.Sum(result => result.TargetEvents));
        Assert.Equal(0L, await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT count(*) FROM ccd.case_data WHERE case_type_id = 'C9'"));
        Assert.Equal(
            await ImportFixture.ScalarAsync<long>(fixture.Source, "SELECT count(*) FROM case_event_significant_items i JOIN case_event e ON e.id = i.case_event_id WHERE e.case_type_id <> 'C9'"),
            await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT count(*) FROM ccd.case_event_significant_items"));
        Assert.Equal(0L, await ImportFixture.ScalarAsync<long>(fixture.Target, RevisionRuleBreachesSql));
        Assert.Equal(0L, await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT count(*) FROM ccd.case_data c WHERE c.id <> (SELECT s.id FROM ccd.case_data s WHERE s.reference = c.reference)"));
        Assert.Equal(1800L, await ImportFixture.ScalarAsync<long>(fixture.Target,
            "SELECT count(*) FROM ccd.es_queue q JOIN ccd.case_data c ON c.reference = q.reference AND c.revision = q.case_revision"));
        // The store's own history ids continue after the imported ones.
        Assert.Equal(
            await ImportFixture.ScalarAsync<long>(fixture.Source, "SELECT max(id) + 1 FROM case_event WHERE case_type_id <> 'C9'"),
            await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT nextval(pg_get_serial_sequence('ccd.case_event', 'id'))"));
        Assert.Equal("complete", await ImportFixture.ScalarAsync<string>(fixture.Target, "SELECT string_agg(DISTINCT phase, ',') FROM ccd.data_migration_progress"));
        var digest = await fixture.DigestAsync();

        var again = await fixture.ImportAsync(ImportPhase.All);
        Assert.Equal((0L, 0L), (again.Cases, again.Events));

        // Even with its progress forgotten, a run writes nothing: every write is keyed by CCD's ids and references.
        await ImportFixture.ExecuteAsync(fixture.Target, "DELETE FROM ccd.data_migration_progress");
        var forgotten = await fixture.ImportAsync(ImportPhase.All);
        Assert.Equal((0L, 0L), (forgotten.Cases, forgotten.Events));
        // The counters restart with the row; put back what the first run counted, then the stores must be identical.
        await ImportFixture.ExecuteAsync(fixture.Target, """
            UPDATE ccd.data_migration_progress p
            SET cases_copied = (SELECT count(*) FROM ccd.case_data c WHERE c.case_type_id = p.case_type_id),
                events_copied = (SELECT count(*) FROM ccd.case_event e WHERE e.case_type_id = p.case_type_id)
            """);
        Assert.Equal(digest, await fixture.DigestAsync());
    }

    [Theory]
    [InlineData(ImportFaultPoint.InsidePreloadBatch)]
    [InlineData(ImportFaultPoint.BetweenPreloadBatches)]
    [InlineData(ImportFaultPoint.InsideCutoverBatch)]
    [InlineData(ImportFaultPoint.BeforeComplete)]
    public async Task a_run_stopped_at_a_fault_point_and_restarted_ends_identical_to_an_uninterrupted_run(string point)
    {
        await using var interrupted = await ImportFixture.CreateAsync(postgres, cases: 300, eventsPerCase: 10);
        await using var reference = await interrupted.WithNewTargetAsync(postgres);

        // Both stores preload, CCD then records more events, and both cut over; only one is stopped on the way.
        await reference.ImportAsync(ImportPhase.Preload, batchSize: 40);
        await RunStoppingOnceAsync(interrupted, ImportPhase.Preload, point);
        await AddLateSourceEventsAsync(interrupted.SourceConnection);
        await reference.ImportAsync(ImportPhase.Cutover, batchSize: 7);
        await RunStoppingOnceAsync(interrupted, ImportPhase.Cutover, point);

        Assert.Equal(await reference.DigestAsync(), await interrupted.DigestAsync());
        Assert.All(await interrupted.VerifyAsync(), result => Assert.True(result.Passed));
    }

    [Fact]
    public async Task cutover_adds_exactly_the_events_ccd_recorded_since_the_preload()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 100, eventsPerCase: 4);
        await fixture.ImportAsync(ImportPhase.Preload);
        var before = await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT count(*) FROM ccd.case_event");
        var busyCase = CcdSourceDatabase.Reference(1); // 4 events, CCD version 2
        var revisionBefore = await ImportFixture.ScalarAsync<int>(fixture.Target, $"SELECT revision FROM ccd.case_data WHERE reference = {busyCase}");

        var added = await AddLateSourceEventsAsync(fixture.SourceConnection);
        var summary = await fixture.ImportAsync(ImportPhase.Cutover);

        Assert.Equal(added.Count, summary.Events);
        Assert.Equal(before + added.Count, await ImportFixture.ScalarAsync<long>(fixture.Target, "SELECT count(*) FROM ccd.case_event"));
        Assert.Equal(added.Order(), (await ImportFixture.ScalarAsync<long[]>(fixture.Target, $"SELECT array_agg(id ORDER BY id) FROM ccd.case_event WHERE id > {added.Min() - 1}")).Order());
        // Three new events on a case at revision 4: revisions 5, 6, 7 in CCD's order; the case moves to 7.
        Assert.Equal(4, revisionBefore);
        Assert.Equal(new[] { 5, 6, 7 }, await ImportFixture.ScalarAsync<int[]>(fixture.Target, $"SELECT array_agg(case_revision ORDER BY id) FROM ccd.case_event WHERE case_reference = {busyCase} AND case_revision > 4"));
        Assert.Equal(7, await ImportFixture.ScalarAsync<int>(fixture.Target, $"SELECT revision FROM ccd.case_data WHERE reference = {busyCase}"));
        Assert.Equal("complete", await ImportFixture.ScalarAsync<string>(fixture.Target, "SELECT string_agg(DISTINCT phase, ',') FROM ccd.data_migration_progress"));
        Assert.All(await fixture.VerifyAsync(), result => Assert.True(result.Passed));
        // Every case: revision at least its history count and at least its CCD version.
        Assert.Equal(0L, await ImportFixture.ScalarAsync<long>(fixture.Target,
            "SELECT count(*) FROM ccd.case_data c WHERE c.revision < c.version OR c.revision < (SELECT count(*) FROM ccd.case_event e WHERE e.case_reference = c.reference)"));
    }

    [Fact]
    public async Task cutover_before_preload_is_refused_with_the_command_to_run()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 10, eventsPerCase: 1);

        var refused = await Assert.ThrowsAsync<ImportException>(() => fixture.ImportAsync(ImportPhase.Cutover));

        Assert.Contains("--phase preload", refused.Message, StringComparison.Ordinal);
    }

    private static async Task RunStoppingOnceAsync(ImportFixture fixture, ImportPhase phase, string point)
    {
        var stop = new StopAt(point, occurrence: 2);
        var batchSize = phase == ImportPhase.Preload ? 40 : 7;
        try
        {
            await fixture.ImportAsync(phase, batchSize, stop.Check);
        }
        catch (SimulatedCrash)
        {
            // The run died there; the next run picks up from what was committed.
        }

        await fixture.ImportAsync(phase, batchSize);
    }

    // CCD keeps working between preload and cutover: new events on existing cases (one of them three times, with
    // version changes) and a brand-new case with two events. Returns the new CCD event ids.
    private static async Task<List<long>> AddLateSourceEventsAsync(string source)
    {
        var ids = new List<long>();
        var busy = CcdSourceDatabase.Reference(1);
        ids.Add(await CcdSourceDatabase.AddEventAsync(source, busy, "late 1"));
        ids.Add(await CcdSourceDatabase.AddEventAsync(source, CcdSourceDatabase.Reference(4), "late on B1", versionStep: 0));
        ids.Add(await CcdSourceDatabase.AddEventAsync(source, busy, "late 2", versionStep: 0));
        var fresh = StoreSeed.WithCheckDigit(170000000000000 + 1);
        await CcdSourceDatabase.AddCaseAsync(source, fresh, "A58");
        ids.Add(await CcdSourceDatabase.AddEventAsync(source, fresh, "created late", versionStep: 0, state: "Open"));
        ids.Add(await CcdSourceDatabase.AddEventAsync(source, busy, "late 3"));
        ids.Add(await CcdSourceDatabase.AddEventAsync(source, fresh, "updated late"));
        // Not imported: C9 is not among the case types.
        await CcdSourceDatabase.AddEventAsync(source, CcdSourceDatabase.Reference(10), "late on C9");
        return ids;
    }
}
