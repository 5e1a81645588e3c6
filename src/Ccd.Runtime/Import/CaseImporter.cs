using System.Diagnostics;
using Ccd.Runtime.Database;
using Ccd.Runtime.Schema;
using Ccd.Runtime.Writing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Import;

/// <summary>
/// Copies cases and their history from a central CCD database into the <c>ccd</c> schema: preload, then cutover
/// (<see cref="ImportPhase"/>). Each batch is one target transaction that also advances
/// <c>ccd.data_migration_progress</c>, so a run killed at any point resumes where the last commit left it; every
/// write is keyed by CCD's ids and references, so repeating work changes nothing, and a case whose revision moved
/// on since import (live events after the switch) is never written again. Cutover also copies the events the
/// preload could not see (committed later with a lower id) and removes the imported cases CCD deleted since.
/// </summary>
internal sealed class CaseImporter(NpgsqlDataSource target, NpgsqlDataSource source, TimeProvider time, ILogger logger, CaseWritePipeline? pipeline = null)
{
    private const string ImportedSql = """
        SELECT i.reference FROM ccd.import_cases i JOIN ccd.case_data t ON t.reference = i.reference AND t.revision <= i.revision
        WHERE i.case_type_id = @case_type AND i.reference > @after ORDER BY i.reference LIMIT @limit
        """;

    private long _started;

    private SortedDictionary<string, string> _fingerprint = [];

    private readonly CaseWritePipeline _pipeline = pipeline ?? new CaseWritePipeline(target, time, new CaseGate(), Options.Create(new SubmissionOptions()));

    // Arbitrary constant shared by every replica: "ccd-impo". Only one import runs against a store at a time.
    private const long AdvisoryLockKey = 0x6363642D696D706F;

    public async Task<ImportSummary> RunAsync(ImportOptions options, IImportProgressSink progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        var clock = Stopwatch.StartNew();
        _started = time.GetTimestamp();
        await using var lockConnection = await target.OpenConnectionAsync(cancellationToken);
        await using var importLock = await SessionLock.TryTakeAsync(lockConnection, AdvisoryLockKey, cancellationToken)
            ?? throw new ImportException("Another import is running against this database; wait for it to finish.");

        var totals = new ImportSummary();
        foreach (var caseType in options.CaseTypes)
        {
            if (await SourceScalarAsync(SourceQueries.CountCasesSql, caseType, 0, cancellationToken) == 0)
            {
                throw new ImportException($"CCD's database has no case of case type '{caseType}' (case type ids are case-sensitive); nothing was imported.");
            }
        }

        _fingerprint = ImportFingerprint.Of(source);
        foreach (var caseType in options.CaseTypes)
        {
            await ImportFingerprint.CheckAsync(target, caseType, _fingerprint, cancellationToken);
        }

        foreach (var caseType in options.CaseTypes)
        {
            if (options.Phase is ImportPhase.All or ImportPhase.Preload)
            {
                await PreloadAsync(caseType, options, progress, totals, cancellationToken);
            }

            if (options.Phase is ImportPhase.All or ImportPhase.Cutover)
            {
                await CutoverAsync(caseType, options, progress, totals, cancellationToken);
            }
        }

        totals.Elapsed = clock.Elapsed;
        return totals;
    }

    private async Task PreloadAsync(string caseType, ImportOptions options, IImportProgressSink progress, ImportSummary totals, CancellationToken cancellationToken)
    {
        var mark = await SourceScalarAsync(SourceQueries.MaxEventIdSql, caseType, 0, cancellationToken);
        await using (var connection = await target.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ImportProgress.StartAsync(connection, transaction, caseType, mark, ImportFingerprint.Json(_fingerprint), Now(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var total = await SourceScalarAsync(SourceQueries.CountCasesSql, caseType, 0, cancellationToken);
        while (true)
        {
            await using var connection = await target.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var state = await ImportProgress.ReadAsync(connection, transaction, caseType, cancellationToken)
                ?? throw new ImportException($"The progress row of {caseType} disappeared during the import.");
            if (state.Phase != ImportProgress.Preload)
            {
                return;
            }

            StopAtCeiling(options, caseType);
            progress.Report(caseType, "preload", state.CasesCopied, total);
            await using var reading = await source.OpenConnectionAsync(cancellationToken);
            await using var snapshot = await reading.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await ExecuteAsync(connection, transaction, ImportStaging.CreateSql, cancellationToken);

            var caseIds = new List<long>();
            var references = new List<long>();
            await using (var cases = Source(reading, snapshot, SourceQueries.PreloadCasesSql, caseType, state.HighWaterMark, state.CaseCursor, options.BatchSize))
            await using (var reader = await cases.ExecuteReaderAsync(cancellationToken))
            {
                await ImportStaging.CopyAsync(reader, connection, ImportStaging.CopyCases, ImportStaging.CaseTypes, row =>
                {
                    caseIds.Add(row.GetInt64(0));
                    references.Add(row.GetInt64(1));
                }, cancellationToken);
            }

            if (caseIds.Count == 0)
            {
                await ImportProgress.AdvanceAsync(connection, transaction, state with { Phase = ImportProgress.Preloaded }, 0, Now(), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Preload of {CaseType} finished: {Cases} cases, {Events} events", caseType, state.CasesCopied, state.EventsCopied);
                return;
            }

            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.PreloadEventsSql, "case_ids", caseIds, state.HighWaterMark, ImportStaging.CopyEvents, ImportStaging.EventTypes, cancellationToken);
            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.PreloadItemsSql, "case_ids", caseIds, state.HighWaterMark, ImportStaging.CopyItems, ImportStaging.ItemTypes, cancellationToken);
            var merged = await MergeAsync(connection, transaction, caseType, references, cancellationToken);
            await ImportProgress.AdvanceAsync(connection, transaction, state with { CaseCursor = caseIds.Max() }, merged.Events, Now(), cancellationToken);
            options.FaultPoint?.Invoke(ImportFaultPoint.InsidePreloadBatch);
            await transaction.CommitAsync(cancellationToken);
            Record(caseType, merged, totals);
            progress.Report(caseType, "preload", state.CasesCopied + merged.NewCases, total);
            options.FaultPoint?.Invoke(ImportFaultPoint.BetweenPreloadBatches);
        }
    }

    private async Task CutoverAsync(string caseType, ImportOptions options, IImportProgressSink progress, ImportSummary totals, CancellationToken cancellationToken)
    {
        long total = -1;
        long done = 0;
        while (true)
        {
            await using var connection = await target.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var state = await ImportProgress.ReadAsync(connection, transaction, caseType, cancellationToken);
            if (state is null || state.Phase == ImportProgress.Preload)
            {
                throw new ImportException($"{caseType} has not been preloaded; run 'import --case-types {caseType} --phase preload' first.");
            }

            if (state.Phase == ImportProgress.Complete)
            {
                return;
            }

            if (total < 0)
            {
                total = await SourceScalarAsync(SourceQueries.CountEventsAboveSql, caseType, state.HighWaterMark, cancellationToken);
            }

            StopAtCeiling(options, caseType);
            progress.Report(caseType, "cutover", done, total);
            await using var reading = await source.OpenConnectionAsync(cancellationToken);
            await using var snapshot = await reading.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await ExecuteAsync(connection, transaction, ImportStaging.CreateSql, cancellationToken);

            var eventIds = new List<long>();
            var caseIds = new HashSet<long>();
            var references = new HashSet<long>();
            await using (var events = Source(reading, snapshot, SourceQueries.CutoverEventsSql, caseType, state.HighWaterMark, 0, options.BatchSize))
            await using (var reader = await events.ExecuteReaderAsync(cancellationToken))
            {
                await ImportStaging.CopyAsync(reader, connection, ImportStaging.CopyEvents, ImportStaging.EventTypes, row =>
                {
                    eventIds.Add(row.GetInt64(0));
                    references.Add(row.GetInt64(1));
                    caseIds.Add(row.GetInt64(ImportStaging.EventTypes.Length));
                }, cancellationToken);
            }

            if (eventIds.Count == 0)
            {
                var swept = await SweepAsync(caseType, options, totals, cancellationToken);
                await RemoveDeletedInCcdAsync(caseType, totals, cancellationToken);
                options.FaultPoint?.Invoke(ImportFaultPoint.BeforeComplete);
                await ImportProgress.AdvanceAsync(connection, transaction, state with { Phase = ImportProgress.Complete }, swept, Now(), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Cutover of {CaseType} complete: {Cases} cases, {Events} events in all", caseType, state.CasesCopied, state.EventsCopied);
                return;
            }

            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.CasesByIdSql, "case_ids", caseIds.ToList(), 0, ImportStaging.CopyCases, ImportStaging.CaseTypes, cancellationToken);
            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.ItemsByEventSql, "event_ids", eventIds, 0, ImportStaging.CopyItems, ImportStaging.ItemTypes, cancellationToken);
            var merged = await MergeAsync(connection, transaction, caseType, references, cancellationToken);
            var next = state with { Phase = ImportProgress.Cutover, HighWaterMark = eventIds.Max() };
            await ImportProgress.AdvanceAsync(connection, transaction, next, merged.Events, Now(), cancellationToken);
            options.FaultPoint?.Invoke(ImportFaultPoint.InsideCutoverBatch);
            await transaction.CommitAsync(cancellationToken);
            Record(caseType, merged, totals);
            done += eventIds.Count;
            progress.Report(caseType, "cutover", done, total);
        }
    }

    // CCD takes an event's id at insert and commits later: one with an id at or below the mark may have committed
    // after the preload read its case. With CCD frozen, every event of the case type must be here: copy the missing.
    private async Task<int> SweepAsync(string caseType, ImportOptions options, ImportSummary totals, CancellationToken cancellationToken)
    {
        long cursor = 0;
        var added = 0;
        while (true)
        {
            await using var reading = await source.OpenConnectionAsync(cancellationToken);
            await using var snapshot = await reading.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            var caseIds = new List<long>();
            var ccdDigests = new Dictionary<long, (long Id, string Digest)>();
            await using (var cases = Source(reading, snapshot, SourceQueries.SweepCasesSql, caseType, 0, cursor, options.BatchSize))
            await using (var reader = await cases.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    caseIds.Add(reader.GetInt64(0));
                    ccdDigests[reader.GetInt64(1)] = (reader.GetInt64(0), reader.GetString(2));
                }
            }

            if (caseIds.Count == 0)
            {
                return added;
            }

            cursor = caseIds.Max();
            List<long> sourceEvents;
            await using (var ids = new NpgsqlCommand(SourceQueries.SweepEventIdsSql, reading, snapshot))
            {
                ids.Parameters.Add(new NpgsqlParameter<long[]>("case_ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = caseIds.ToArray() });
                sourceEvents = await LongsAsync(ids, cancellationToken);
            }

            await using var connection = await target.OpenConnectionAsync(cancellationToken);
            List<long> present;
            await using (var ids = new NpgsqlCommand("SELECT id FROM ccd.case_event WHERE id = ANY(@ids)", connection))
            {
                ids.Parameters.Add(new NpgsqlParameter<long[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = sourceEvents.ToArray() });
                present = await LongsAsync(ids, cancellationToken);
            }

            // A case CCD changed without an event since it was imported (supplementary data): its row is copied
            // again; the merge still leaves alone a case that moved on here.
            var changed = new List<long>();
            await using (var digests = new NpgsqlCommand(SourceQueries.StoreDigestsSql, connection))
            {
                digests.Parameters.Add(new NpgsqlParameter<long[]>("references", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = ccdDigests.Keys.ToArray() });
                await using var reader = await digests.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (ccdDigests.TryGetValue(reader.GetInt64(0), out var ccd) && ccd.Digest != reader.GetString(1))
                    {
                        changed.Add(reader.GetInt64(0));
                    }
                }
            }

            var missing = sourceEvents.Except(present).ToList();
            if (missing.Count == 0 && changed.Count == 0)
            {
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, ImportStaging.CreateSql, cancellationToken);
            var lateCases = new HashSet<long>();
            var references = new HashSet<long>();
            await using (var events = new NpgsqlCommand(SourceQueries.EventsByIdSql, reading, snapshot))
            {
                events.Parameters.Add(new NpgsqlParameter<long[]>("event_ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = missing.ToArray() });
                await using var reader = await events.ExecuteReaderAsync(cancellationToken);
                await ImportStaging.CopyAsync(reader, connection, ImportStaging.CopyEvents, ImportStaging.EventTypes, row =>
                {
                    references.Add(row.GetInt64(1));
                    lateCases.Add(row.GetInt64(ImportStaging.EventTypes.Length));
                }, cancellationToken);
            }

            lateCases.UnionWith(changed.Select(reference => ccdDigests[reference].Id));
            references.UnionWith(changed);
            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.CasesByIdSql, "case_ids", lateCases.ToList(), 0, ImportStaging.CopyCases, ImportStaging.CaseTypes, cancellationToken);
            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.ItemsByEventSql, "event_ids", missing, 0, ImportStaging.CopyItems, ImportStaging.ItemTypes, cancellationToken);
            var merged = await MergeAsync(connection, transaction, caseType, references, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Record(caseType, merged, totals);
            added += merged.Events;
            var refreshed = changed.Intersect(merged.Cases).ToList();
            totals.Refreshed.UnionWith(refreshed);
            if (merged.Events > 0)
            {
                logger.LogWarning("Cutover of {CaseType}: {Events} event(s) committed in CCD after the preload with lower ids than its mark were copied", caseType, merged.Events);
            }

            if (refreshed.Count > 0)
            {
                logger.LogWarning("Cutover of {CaseType}: {Cases} case(s) CCD changed without an event since their import were copied again", caseType, refreshed.Count);
            }
        }
    }

    // A case imported earlier that CCD no longer has was deleted or disposed of in CCD since: it goes here too, through
    // the same removal as retention (search documents queued for deletion, then every row of the case).
    private async Task RemoveDeletedInCcdAsync(string caseType, ImportSummary totals, CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            List<long> imported;
            await using (var command = target.CreateCommand(ImportedSql))
            {
                command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
                command.Parameters.Add(new NpgsqlParameter<long>("after", NpgsqlDbType.Bigint) { TypedValue = after });
                command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = 1000 });
                imported = await LongsAsync(command, cancellationToken);
            }

            if (imported.Count == 0)
            {
                return;
            }

            after = imported[^1];
            List<long> existing;
            await using (var command = source.CreateCommand(SourceQueries.ExistingReferencesSql))
            {
                command.Parameters.Add(new NpgsqlParameter<long[]>("references", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = imported.ToArray() });
                command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
                existing = await LongsAsync(command, cancellationToken);
            }

            foreach (var reference in imported.Except(existing))
            {
                await _pipeline.RunAsync(reference, key: null, async write =>
                {
                    await write.DisposeOfAsync();
                    return true;
                }, cancellationToken);
                totals.Removed.Add(reference);
                logger.LogInformation("Cutover of {CaseType}: case {Reference} was deleted in CCD since the preload; removed here", caseType, reference);
            }
        }
    }

    // Names the batch's cases when the store refuses it (a rule import did not check), instead of a bare constraint error.
    private async Task<MergeResult> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string caseType, IReadOnlyCollection<long> references, CancellationToken cancellationToken)
    {
        try
        {
            return await ImportMerge.MergeAsync(connection, transaction, Now(), cancellationToken);
        }
        catch (PostgresException exception)
        {
            var named = string.Join(", ", references.Order().Take(5)) + (references.Count > 5 ? ", ..." : "");
            throw new ImportException($"The store refused a batch of {caseType} case(s) {named}: {exception.MessageText}" +
                                      (exception.ConstraintName is { } constraint ? $" ({constraint})" : ""));
        }
    }

    // Between batches only: everything before has committed with its progress, so the next run resumes there.
    private void StopAtCeiling(ImportOptions options, string caseType)
    {
        if (options.MaxRunTime is { } ceiling && time.GetElapsedTime(_started) >= ceiling)
        {
            throw new ImportException(
                $"Stopped at the run-time ceiling (--max-run-time {ceiling:c}) before the next batch of {caseType}; every batch so far is committed: run the same command again to resume.");
        }
    }

    private static void Record(string caseType, MergeResult merged, ImportSummary totals)
    {
        totals.Add(merged);
        ImportMetrics.Copied(caseType, merged.NewCases, merged.Events);
    }

    private static async Task<List<long>> LongsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }

    private static NpgsqlCommand Source(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string caseType, long mark, long cursor, int limit)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
        command.Parameters.Add(new NpgsqlParameter<long>("mark", NpgsqlDbType.Bigint) { TypedValue = mark });
        command.Parameters.Add(new NpgsqlParameter<long>("cursor", NpgsqlDbType.Bigint) { TypedValue = cursor });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        return command;
    }

    private static async Task CopyByIdsAsync(
        NpgsqlConnection reading, NpgsqlTransaction snapshot, NpgsqlConnection writing, string sql, string idsName, List<long> ids, long mark,
        string copySql, NpgsqlDbType[] types, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, reading, snapshot);
        command.Parameters.Add(new NpgsqlParameter<long[]>(idsName, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = ids.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long>("mark", NpgsqlDbType.Bigint) { TypedValue = mark });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await ImportStaging.CopyAsync(reader, writing, copySql, types, null, cancellationToken);
    }

    private async Task<long> SourceScalarAsync(string sql, string caseType, long mark, CancellationToken cancellationToken)
    {
        await using var command = source.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
        command.Parameters.Add(new NpgsqlParameter<long>("mark", NpgsqlDbType.Bigint) { TypedValue = mark });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DateTime Now() => DatabaseClock.Now(time);
}

/// <summary>What a run did: the distinct cases it wrote, the events it added, the cases it left alone and removed.</summary>
internal sealed class ImportSummary
{
    private readonly HashSet<long> _cases = [];

    public long Cases => _cases.Count;

    public long Events { get; private set; }

    /// <summary>Cases CCD still has but the store's copy moved on since import (live events): never written again.</summary>
    public SortedSet<long> MovedOn { get; } = [];

    /// <summary>Cases CCD changed without an event (supplementary data) since their import, copied again by cutover.</summary>
    public SortedSet<long> Refreshed { get; } = [];

    /// <summary>Imported cases CCD deleted or disposed of since, removed by cutover.</summary>
    public List<long> Removed { get; } = [];

    public TimeSpan Elapsed { get; set; }

    public void Add(MergeResult merged)
    {
        _cases.UnionWith(merged.Cases);
        Events += merged.Events;
        MovedOn.UnionWith(merged.MovedOn);
    }
}

/// <summary>An import that cannot proceed; the message says what to do.</summary>
internal sealed class ImportException(string message) : Exception(message);
