using Ccd.Runtime.Import;
using Ccd.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Import;

/// <summary>A change CCD makes without an event (supplementary data) between preload and cutover.</summary>
public sealed class ImportSupplementaryDataTests(PostgresServer postgres)
{
    [Fact]
    public async Task verify_reports_a_change_ccd_made_without_an_event_and_cutover_copies_it_again_but_never_over_a_case_that_moved_on_here()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 20, eventsPerCase: 2);
        await fixture.ImportAsync(ImportPhase.Preload);
        var (quiet, movedOn) = (CcdSourceDatabase.Reference(1), CcdSourceDatabase.Reference(2));
        // CCD's supplementary-data update: the row changes, no event is recorded, the version stays.
        foreach (var reference in new[] { quiet, movedOn })
        {
            await ImportFixture.ExecuteAsync(fixture.Source,
                $"UPDATE case_data SET supplementary_data = jsonb_set(coalesce(supplementary_data, '{{}}'), '{{orgs_assigned_users}}', '{{\"ORG1\": 2}}') WHERE reference = {reference}");
        }

        // The second case moved on here since its import (as a live event would move it).
        await ImportFixture.ExecuteAsync(fixture.Target, $"UPDATE ccd.case_data SET data = data || '{{\"live\": true}}', revision = revision + 1 WHERE reference = {movedOn}");
        var movedOnRow = await ImportFixture.ScalarAsync<string>(fixture.Target, $"SELECT c::text FROM ccd.case_data c WHERE reference = {movedOn}");
        var before = (await fixture.VerifyAsync("A58")).Single();
        Assert.Contains($"{quiet}: supplementary_data", before.Different.Select(d => $"{d.Reference}: {d.Describe()}"));

        var cutover = await fixture.ImportAsync(ImportPhase.Cutover);

        Assert.Equal([quiet], cutover.Refreshed);
        Assert.Equal([movedOn], cutover.MovedOn);
        Assert.Equal(
            await ImportFixture.ScalarAsync<string>(fixture.Source, $"SELECT supplementary_data::text FROM case_data WHERE reference = {quiet}"),
            await ImportFixture.ScalarAsync<string>(fixture.Target, $"SELECT supplementary_data::text FROM ccd.case_data WHERE reference = {quiet}"));
        Assert.Equal(movedOnRow, await ImportFixture.ScalarAsync<string>(fixture.Target, $"SELECT c::text FROM ccd.case_data c WHERE reference = {movedOn}"));
        var after = (await fixture.VerifyAsync("A58")).Single();
        Assert.Equal([movedOn], after.Different.Select(d => d.Reference)); // reported, never overwritten
        Assert.All(await fixture.VerifyAsync("B1"), result => Assert.True(result.Passed, result.Summary));
    }
}
