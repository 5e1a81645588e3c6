using Ccd.Runtime.Commands;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Import;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Import;

/// <summary><c>import --verify</c> lists every difference by kind, and knows CCD's pointer rows.</summary>
public sealed class ImportVerifyTests(PostgresServer postgres)
{
    [Fact]
    public async Task verify_lists_every_missing_extra_and_different_case_with_the_columns_and_events_that_differ_and_exits_non_zero()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 40, eventsPerCase: 3);
        await fixture.ImportAsync(ImportPhase.All);
        Assert.All(await fixture.VerifyAsync(), result => Assert.True(result.Passed, result.Summary));
        Assert.Equal(0, await RunVerifyCommandAsync(fixture));

        // Cases 1, 2, 3, 5, 6, 7 and 9 are A58.
        var (editedEvent, changedInCcd, gone, deletedInCcd, lostEvent, both) =
            (CcdSourceDatabase.Reference(1), CcdSourceDatabase.Reference(5), CcdSourceDatabase.Reference(2), CcdSourceDatabase.Reference(3), CcdSourceDatabase.Reference(6), CcdSourceDatabase.Reference(7));
        var edited = await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT max(id) FROM ccd.case_event WHERE case_reference = {editedEvent}");
        await ImportFixture.ExecuteAsync(fixture.Target, $"UPDATE ccd.case_event SET summary = 'edited' WHERE id = {edited}");
        await ImportFixture.ExecuteAsync(fixture.Source, $"UPDATE case_data SET state = 'Closed', data = data || '{{\"x\": 1}}' WHERE reference = {changedInCcd}");
        await ImportFixture.ExecuteAsync(fixture.Target, $"DELETE FROM ccd.case_event WHERE case_reference = {gone}; DELETE FROM ccd.es_queue WHERE reference = {gone}; DELETE FROM ccd.case_data WHERE reference = {gone}");
        await CcdSourceDatabase.DeleteCaseAsync(fixture.SourceConnection, deletedInCcd);
        var lost = await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT min(id) FROM ccd.case_event WHERE case_reference = {lostEvent}");
        await ImportFixture.ExecuteAsync(fixture.Target, $"DELETE FROM ccd.case_event WHERE id = {lost}");
        await ImportFixture.ExecuteAsync(fixture.Source, $"UPDATE case_data SET supplementary_data = '{{\"HMCTSServiceId\": \"XYZ1\"}}', resolved_ttl = date '2040-01-01' WHERE reference = {both}");

        var a58 = (await fixture.VerifyAsync("A58")).Single();

        Assert.False(a58.Passed);
        Assert.Equal([gone], a58.Missing);
        Assert.Equal([deletedInCcd], a58.Extra);
        Assert.Equal(
            new[]
            {
                $"{editedEvent}: events different {edited}",
                $"{changedInCcd}: state, data",
                $"{lostEvent}: events missing {lost}",
                $"{both}: supplementary_data, resolved_ttl",
            }.Order(StringComparer.Ordinal),
            a58.Different.Select(d => $"{d.Reference}: {d.Describe()}").Order(StringComparer.Ordinal));

        var printed = new StringWriter();
        Assert.False(ImportVerifyReport.Write(printed, [a58]));
        var lines = printed.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"  missing in store 1: {gone}", lines);
        Assert.Contains($"  extra in store 1: {deletedInCcd}", lines);
        Assert.Contains("  different 4:", lines);
        Assert.Contains($"    {changedInCcd}: state, data", lines);
        Assert.Equal("  verify FAILED: 1 missing, 1 extra, 4 different", lines[^1]);
        Assert.Equal(1, await RunVerifyCommandAsync(fixture));
    }

    [Fact]
    public async Task after_the_switch_verify_compares_ccd_pointer_rows_on_identity_only_and_still_finds_what_is_missing_or_wrong()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 20, eventsPerCase: 2);
        await fixture.ImportAsync(ImportPhase.All);
        await CcdSourceDatabase.BecomePointersAsync(fixture.SourceConnection, "A58");
        // A case created after the switch: CCD's pointer, and the case here under the pointer's id.
        var created = StoreSeed.WithCheckDigit(170000000000002);
        var id = await CcdSourceDatabase.AddPointerAsync(fixture.SourceConnection, created, "A58");
        await StoreSeed.AddCaseAsync(fixture.Target, created, "A58", events: 1, new DateTime(2026, 5, 1, 10, 0, 0), internalId: id);
        // An imported case that moved on here (a live event): its pointer says nothing of that.
        await ImportFixture.ExecuteAsync(fixture.Target, $"UPDATE ccd.case_data SET data = data || '{{\"live\": true}}', state = 'Live', revision = revision + 1 WHERE reference = {CcdSourceDatabase.Reference(1)}");

        var results = await fixture.VerifyAsync();

        Assert.All(results, result => Assert.True(result.Passed, result.Summary));
        var a58 = results.Single(r => r.CaseTypeId == "A58");
        Assert.Equal(await ImportFixture.ScalarAsync<long>(fixture.Source, "SELECT count(*) FROM case_data WHERE case_type_id = 'A58'"), a58.Pointers);
        Assert.Equal(0, results.Single(r => r.CaseTypeId == "B1").Pointers);
        Assert.Equal(0, await RunVerifyCommandAsync(fixture));

        // A pointer whose case is not here, and one whose identity differs, are still reported.
        var lost = StoreSeed.WithCheckDigit(170000000000003);
        await CcdSourceDatabase.AddPointerAsync(fixture.SourceConnection, lost, "A58");
        await ImportFixture.ExecuteAsync(fixture.Source, $"UPDATE case_data SET jurisdiction = 'OTHER' WHERE reference = {CcdSourceDatabase.Reference(2)}");
        var after = (await fixture.VerifyAsync("A58")).Single();
        Assert.Equal([lost], after.Missing);
        Assert.Equal([$"{CcdSourceDatabase.Reference(2)}: pointer jurisdiction"], after.Different.Select(d => $"{d.Reference}: {d.Describe()}"));
        Assert.Empty(after.Extra);
    }

    private static Task<int> RunVerifyCommandAsync(ImportFixture fixture)
    {
        var host = new CcdServiceDefinition { ConfigureServices = builder => builder.AddCcdRuntime(), ConfigureApp = _ => { } };
        return host.RunAsync(["import", "--verify", "--case-types", "A58", "--source", fixture.SourceConnection, "--APP_ENV=TEST",
            $"--TEST_DATABASE_URL={fixture.TargetConnection}", $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}",
            "--Ccd:CaseTypes:0:Id=A58", "--Ccd:CaseTypes:0:Jurisdiction=ADOPTION"]);
    }
}
