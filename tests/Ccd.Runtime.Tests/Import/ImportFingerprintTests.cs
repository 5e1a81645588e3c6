using Ccd.Runtime.Import;
using Ccd.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Import;

/// <summary>An import records the options it started with; resuming it with others is refused naming each difference.</summary>
public sealed class ImportFingerprintTests(PostgresServer postgres)
{
    [Fact]
    public async Task a_resumed_import_from_another_source_is_refused_naming_the_option_and_both_values_and_writes_nothing()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 40, eventsPerCase: 2);
        var stop = new StopAt(ImportFaultPoint.BetweenPreloadBatches, 1);
        await Assert.ThrowsAsync<SimulatedCrash>(() => fixture.ImportAsync(ImportPhase.All, batchSize: 5, faultPoint: stop.Check));
        var before = await fixture.DigestAsync();

        var otherSourceConnection = await CcdSourceDatabase.CreateAsync(postgres, cases: 40, eventsPerCase: 2);
        await using var otherSource = NpgsqlDataSource.Create(otherSourceConnection);
        var otherSourceRun = await Assert.ThrowsAsync<ImportException>(() => new CaseImporter(fixture.Target, otherSource, ImportFixture.Time, NullLogger.Instance)
            .RunAsync(new ImportOptions { CaseTypes = ["A58", "B1"], BatchSize = 5 }, NoImportProgress.Instance, TestContext.Current.CancellationToken));
        var was = new NpgsqlConnectionStringBuilder(fixture.SourceConnection).Database;
        var now = new NpgsqlConnectionStringBuilder(otherSourceConnection).Database;
        Assert.Matches($"--source was [^,]+/{was} as [^,]+, now [^,]+/{now} as ", otherSourceRun.Message);
        Assert.StartsWith("The import of A58 (phase preload) started with other options", otherSourceRun.Message, StringComparison.Ordinal);
        Assert.Equal(before, await fixture.DigestAsync());

        // From the source it started with it resumes (another batch size is no difference: it changes only the batching).
        await fixture.ImportAsync(ImportPhase.All, batchSize: 7);
        Assert.All(await fixture.VerifyAsync(), result => Assert.True(result.Passed, result.Summary));
        Assert.EndsWith($"/{was} as " + new NpgsqlConnectionStringBuilder(fixture.SourceConnection).Username,
            await ImportFixture.ScalarAsync<string>(fixture.Target, "SELECT options->>'--source' FROM ccd.data_migration_progress WHERE case_type_id = 'A58'"), StringComparison.Ordinal);
    }
}
