using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Import;

/// <summary>
/// Copies cases and their history from a central CCD database into the <c>ccd</c> schema: preload, then cutover
/// (<see cref="ImportPhase"/>). Each batch is one target transaction that also advances
/// <c>ccd.data_migration_progress</c>, so a run killed at any point resumes where the last commit left it; every
/// write is keyed by CCD's ids and references, so repeating work changes nothing.
/// </summary>
internal sealed class CaseImporter(NpgsqlDataSource target, NpgsqlDataSource source, TimeProvider time, ILogger logger)
{
    // Arbitrary constant shared by every replica: "ccd-impo". Only one import runs against a store at a time.
    private const long AdvisoryLockKey = 0x6363642D696D706F;

    public async Task<ImportSummary> RunAsync(ImportOptions options, IImportProgressSink progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        var clock = Stopwatch.StartNew();
        await using var lockConnection = await target.OpenConnectionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", lockConnection))
        {
            tryLock.Parameters.Add(new NpgsqlParameter<long>("key", NpgsqlDbType.Bigint) { TypedValue = AdvisoryLockKey });
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
            {
                throw new ImportException("Another import is running against this database; wait for it to finish.");
            }
        }

        var totals = new ImportSummary();
        try
        {
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
        }
        finally
        {
            // Pooled connections keep session locks until reused: release it now, so the next run can start at once.
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            unlock.Parameters.Add(new NpgsqlParameter<long>("key", NpgsqlDbType.Bigint) { TypedValue = AdvisoryLockKey });
            await unlock.ExecuteScalarAsync(CancellationToken.None);
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
            await ImportProgress.StartAsync(connection, transaction, caseType, mark, Now(), cancellationToken);
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

            progress.Report(caseType, "preload", state.CasesCopied, total);
            await using var reading = await source.OpenConnectionAsync(cancellationToken);
            await using var snapshot = await reading.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await ExecuteAsync(connection, transaction, ImportStaging.CreateSql, cancellationToken);

            var caseIds = new List<long>();
            await using (var cases = Source(reading, snapshot, SourceQueries.PreloadCasesSql, caseType, state.HighWaterMark, state.CaseCursor, options.BatchSize))
            await using (var reader = await cases.ExecuteReaderAsync(cancellationToken))
            {
                await ImportStaging.CopyAsync(reader, connection, ImportStaging.CopyCases, ImportStaging.CaseTypes, row => caseIds.Add(row.GetInt64(0)), cancellationToken);
            }

            if (caseIds.Count == 0)
            {
                await ImportProgress.AdvanceAsync(connection, transaction, state with { Phase = ImportProgress.Preloaded }, 0, 0, Now(), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Preload of {CaseType} finished: {Cases} cases, {Events} events", caseType, state.CasesCopied, state.EventsCopied);
                return;
            }

            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.PreloadEventsSql, "case_ids", caseIds, state.HighWaterMark, ImportStaging.CopyEvents, ImportStaging.EventTypes, cancellationToken);
            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.PreloadItemsSql, "case_ids", caseIds, state.HighWaterMark, ImportStaging.CopyItems, ImportStaging.ItemTypes, cancellationToken);
            var (casesWritten, eventsAdded) = await ImportMerge.MergeAsync(connection, transaction, Now(), cancellationToken);
            await ImportProgress.AdvanceAsync(connection, transaction, state with { CaseCursor = caseIds.Max() }, casesWritten, eventsAdded, Now(), cancellationToken);
            options.FaultPoint?.Invoke(ImportFaultPoint.InsidePreloadBatch);
            await transaction.CommitAsync(cancellationToken);
            totals.Add(casesWritten, eventsAdded);
            ImportMetrics.Copied(caseType, casesWritten, eventsAdded);
            progress.Report(caseType, "preload", state.CasesCopied + casesWritten, total);
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

            progress.Report(caseType, "cutover", done, total);
            await using var reading = await source.OpenConnectionAsync(cancellationToken);
            await using var snapshot = await reading.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await ExecuteAsync(connection, transaction, ImportStaging.CreateSql, cancellationToken);

            var eventIds = new List<long>();
            var caseIds = new HashSet<long>();
            await using (var events = Source(reading, snapshot, SourceQueries.CutoverEventsSql, caseType, state.HighWaterMark, 0, options.BatchSize))
            await using (var reader = await events.ExecuteReaderAsync(cancellationToken))
            {
                await ImportStaging.CopyAsync(reader, connection, ImportStaging.CopyEvents, ImportStaging.EventTypes, row =>
                {
                    eventIds.Add(row.GetInt64(0));
                    caseIds.Add(row.GetInt64(ImportStaging.EventTypes.Length));
                }, cancellationToken);
            }

            if (eventIds.Count == 0)
            {
                options.FaultPoint?.Invoke(ImportFaultPoint.BeforeComplete);
                await ImportProgress.AdvanceAsync(connection, transaction, state with { Phase = ImportProgress.Complete }, 0, 0, Now(), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Cutover of {CaseType} complete: {Cases} cases, {Events} events in all", caseType, state.CasesCopied, state.EventsCopied);
                return;
            }

            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.CasesByIdSql, "case_ids", caseIds.ToList(), 0, ImportStaging.CopyCases, ImportStaging.CaseTypes, cancellationToken);
            await CopyByIdsAsync(reading, snapshot, connection, SourceQueries.ItemsByEventSql, "event_ids", eventIds, 0, ImportStaging.CopyItems, ImportStaging.ItemTypes, cancellationToken);
            var (casesWritten, eventsAdded) = await ImportMerge.MergeAsync(connection, transaction, Now(), cancellationToken);
            var next = state with { Phase = ImportProgress.Cutover, HighWaterMark = eventIds.Max() };
            await ImportProgress.AdvanceAsync(connection, transaction, next, casesWritten, eventsAdded, Now(), cancellationToken);
            options.FaultPoint?.Invoke(ImportFaultPoint.InsideCutoverBatch);
            await transaction.CommitAsync(cancellationToken);
            totals.Add(casesWritten, eventsAdded);
            ImportMetrics.Copied(caseType, casesWritten, eventsAdded);
            done += eventIds.Count;
            progress.Report(caseType, "cutover", done, total);
        }
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

    private DateTime Now() => DateTime.SpecifyKind(time.GetUtcNow().UtcDateTime, DateTimeKind.Unspecified);
}

/// <summary>What a run copied.</summary>
internal sealed class ImportSummary
{
    public long Cases { get; private set; }

    public long Events { get; private set; }

    public TimeSpan Elapsed { get; set; }

    public void Add(long cases, long events)
    {
        Cases += cases;
        Events += events;
    }
}

/// <summary>An import that cannot proceed; the message says what to do.</summary>
internal sealed class ImportException(string message) : Exception(message);
