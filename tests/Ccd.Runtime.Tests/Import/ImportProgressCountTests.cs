using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ccd.Runtime.Import;
using Ccd.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Ccd.Runtime.Tests.Import;

/// <summary>Import's counters (progress row, progress line, metric, summary) count cases, not the writes of a case.</summary>
public sealed class ImportProgressCountTests(PostgresServer postgres)
{
    // C9 is a case type no other import test copies, so the process-wide metric can be read for it alone.
    private const string CaseType = "C9";

    [Fact]
    public async Task a_case_written_in_several_batches_is_counted_once_by_every_counter()
    {
        await using var fixture = await ImportFixture.CreateAsync(postgres, cases: 30, eventsPerCase: 2); // C9: cases 10, 20, 30
        var counted = new ConcurrentQueue<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Ccd.Runtime" && instrument.Name == "ccd.import.cases")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "case_type", Value: CaseType })
                {
                    counted.Enqueue(value);
                }
            }
        });
        listener.Start();
        var importer = new CaseImporter(fixture.Target, fixture.Source, ImportFixture.Time, NullLogger.Instance);
        var preloadLine = new RecordingProgress();
        await importer.RunAsync(new ImportOptions { CaseTypes = [CaseType], Phase = ImportPhase.Preload, BatchSize = 1 }, preloadLine, TestContext.Current.CancellationToken);

        // Case 10 changes twice in CCD: cutover writes it in two batches of one event.
        var busy = CcdSourceDatabase.Reference(10);
        await CcdSourceDatabase.AddEventAsync(fixture.SourceConnection, busy, "first");
        await CcdSourceDatabase.AddEventAsync(fixture.SourceConnection, busy, "second");
        var cutoverLine = new RecordingProgress();
        var cutover = await importer.RunAsync(new ImportOptions { CaseTypes = [CaseType], Phase = ImportPhase.Cutover, BatchSize = 1 }, cutoverLine, TestContext.Current.CancellationToken);

        Assert.Equal((1L, 2L), (cutover.Cases, cutover.Events));
        Assert.Equal(3L, await ImportFixture.ScalarAsync<long>(fixture.Target, $"SELECT cases_copied FROM ccd.data_migration_progress WHERE case_type_id = '{CaseType}'"));
        Assert.Equal(3L, counted.Sum());
        Assert.Equal((3L, 3L), preloadLine.Last);
        Assert.Equal((2L, 2L), cutoverLine.Last); // cutover's line counts events, and says so
        Assert.All(await fixture.VerifyAsync(CaseType), result => Assert.True(result.Passed, result.Summary));
    }

    private sealed class RecordingProgress : IImportProgressSink
    {
        public (long Done, long Total) Last { get; private set; }

        public void Report(string caseTypeId, string phase, long done, long total) => Last = (done, total);
    }
}
