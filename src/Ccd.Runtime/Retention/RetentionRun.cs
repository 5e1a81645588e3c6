using Ccd.Runtime.CentralCcd;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Schema;
using Ccd.Runtime.Writing;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Retention;

/// <summary>
/// <c>retention run</c>, in step with CCD's retain-and-dispose: for a case type in CCD the policy's candidates are
/// marked for disposal through CCD (<c>MarkForDisposal</c>), marked cases CCD lets the system user read are given
/// their disposal TTL (<c>ConfirmDisposal</c>), and a marked case past its TTL is deleted locally only once CCD
/// answers 404 for it. Case types listed as local-only are deleted as soon as their TTL has passed. The circuit
/// breaker judges the candidates before anything is done; only one replica runs at a time (a session advisory lock);
/// one case's failure does not stop the others.
/// </summary>
internal sealed class RetentionRun(
    NpgsqlDataSource dataSource,
    CaseWritePipeline pipeline,
    TimeProvider time,
    IEnumerable<ICaseRetentionPolicy> policies,
    RetentionOptions options,
    ILogger<RetentionRun> logger,
    CcdDataStoreClient? ccd = null,
    string? ccdProblem = null)
{
    private readonly ILogger _logger = logger;

    // Arbitrary constant shared by every replica: "ccd-rete".
    internal const long AdvisoryLockKey = 0x6363642D72657465;

    internal const string MarkEvent = "MarkForDisposal";
    internal const string ConfirmEvent = "ConfirmDisposal";

    private const string CandidatesSql = """
        SELECT reference, case_type_id, resolved_ttl FROM ccd.case_data
        WHERE resolved_ttl < @today AND case_type_id = ANY(@case_types) ORDER BY case_type_id, reference
        """;

    private const string PopulationSql = "SELECT case_type_id, count(*) FROM ccd.case_data GROUP BY case_type_id";

    // Re-read under the lock: an event since the candidate list may have moved the TTL on (or the state off PendingDisposal).
    private const string RecheckSql = """
        SELECT case_type_id, created_date, resolved_ttl FROM ccd.case_data
        WHERE reference = @reference AND resolved_ttl < @today AND (@state::text IS NULL OR state = @state)
        """;

    public async Task<RetentionReport> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = RetentionQueries.Today(now);
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var retentionLock = await SessionLock.TryTakeAsync(lockConnection, AdvisoryLockKey, cancellationToken);
        if (retentionLock is null)
        {
            logger.LogWarning("Retention run skipped: another replica holds the retention lock");
            return new RetentionReport(RetentionOutcome.Locked, [], [], [], []);
        }

        var caseTypes = (await RetentionQueries.CaseTypesAsync(lockConnection, cancellationToken))
            .Union(policies.Select(p => p.CaseTypeId), StringComparer.Ordinal).ToList();
        var localOnly = caseTypes.Where(t => options.LocalOnlyCaseTypes.Contains(t, StringComparer.Ordinal)).ToList();
        var inCcd = caseTypes.Except(localOnly, StringComparer.Ordinal).ToList();
        if (inCcd.Count > 0 && (ccd is null || ccdProblem is not null))
        {
            throw new CcdStartupException(
                $"{ccdProblem ?? $"{CentralCcdOptions.SectionName}:{nameof(CentralCcdOptions.DataStoreUrl)} is not set"}: retention of case types in CCD ({string.Join(", ", inCcd)}) needs the CCD client (list case types that are not in CCD in {RetentionOptions.SectionName}:{nameof(RetentionOptions.LocalOnlyCaseTypes)})");
        }

        var candidates = await CandidatesAsync(today, localOnly, cancellationToken);
        var toMark = new List<RetentionCase>();
        foreach (var caseType in inCcd)
        {
            var policy = PolicyOf(caseType);
            var named = policy is null
                ? await RetentionQueries.ResolvedTtlPassedAsync(lockConnection, caseType, now, cancellationToken)
                : await policy.FindCandidatesAsync(lockConnection, now, cancellationToken);
            toMark.AddRange(await RetentionQueries.UnmarkedAsync(lockConnection, caseType, named, cancellationToken));
        }

        var breaches = await BreachesAsync(candidates.Select(c => c.CaseTypeId).Concat(toMark.Select(c => c.CaseTypeId)), cancellationToken);
        if (breaches.Count > 0)
        {
            RetentionMetrics.RunRefused();
            foreach (var breach in breaches)
            {
                logger.LogError(
                    "Retention run refused: {Candidates} of {Population} {CaseType} cases are due for disposal, above the {Share:P1} limit",
                    breach.Candidates, breach.Population, breach.CaseTypeId, options.MaximumShare);
            }

            return new RetentionReport(RetentionOutcome.Refused, candidates, [], [], breaches);
        }

        var failures = new List<RetentionFailure>();
        var disposed = new List<RetentionCandidate>();
        var retained = new List<RetentionCandidate>();
        foreach (var candidate in dryRun ? [] : candidates)
        {
            await DisposeLocallyAsync(candidate, null, today, disposed, retained, failures, cancellationToken);
        }

        if (inCcd.Count == 0)
        {
            return new RetentionReport(dryRun ? RetentionOutcome.DryRun : RetentionOutcome.Completed, candidates, disposed, retained, []) { Failures = failures };
        }

        var steps = new CcdSteps(this, ccd!, dryRun, failures);
        var marked = await steps.MarkAsync(toMark, cancellationToken);
        var confirmed = await steps.ConfirmAsync(await RetentionQueries.ToConfirmAsync(lockConnection, inCcd, cancellationToken), cancellationToken);
        var (held, deletable) = await steps.FindDeletableAsync(await RetentionQueries.ToDeleteAsync(lockConnection, inCcd, today, cancellationToken), cancellationToken);
        foreach (var gone in dryRun ? [] : deletable)
        {
            await DisposeLocallyAsync(new RetentionCandidate(gone.Reference, gone.CaseTypeId, gone.ResolvedTtl!.Value), RetentionQueries.PendingDisposal, today,
                disposed, retained, failures, cancellationToken);
        }

        return new RetentionReport(dryRun ? RetentionOutcome.DryRun : RetentionOutcome.Completed, candidates, disposed, retained, [])
        {
            Marked = marked,
            Confirmed = confirmed,
            HeldByCcd = held,
            Deletable = dryRun ? deletable : [],
            Failures = failures,
        };
    }

    private ICaseRetentionPolicy? PolicyOf(string caseTypeId) =>
        policies.FirstOrDefault(p => string.Equals(p.CaseTypeId, caseTypeId, StringComparison.Ordinal));

    private async Task DisposeLocallyAsync(
        RetentionCandidate candidate, string? requiredState, DateOnly today, List<RetentionCandidate> disposed, List<RetentionCandidate> retained,
        List<RetentionFailure> failures, CancellationToken cancellationToken)
    {
        try
        {
            switch (await DisposeAsync(candidate, requiredState, today, cancellationToken))
            {
                case RetentionDecision.Dispose:
                    disposed.Add(candidate);
                    break;
                case RetentionDecision.Retain:
                    retained.Add(candidate);
                    break;
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Retention could not delete case {Reference} of {CaseType}", candidate.Reference, candidate.CaseTypeId);
            failures.Add(new RetentionFailure(candidate.Reference, candidate.CaseTypeId, "delete", exception.GetType().Name + ": " + exception.Message));
        }
    }

    // The one place a case's local data is deleted: one write of the case pipeline, under the case lock (no event can
    // commit on a case while it is disposed of), the service's disposal and the runtime's removal in one transaction.
    private async Task<RetentionDecision?> DisposeAsync(RetentionCandidate candidate, string? requiredState, DateOnly today, CancellationToken cancellationToken)
    {
        var decision = await pipeline.RunAsync<RetentionDecision?>(candidate.Reference, key: null, async write =>
        {
            CaseDisposal disposal;
            await using (var recheck = Command(write.Connection, write.Transaction, RecheckSql, candidate.Reference, today))
            {
                recheck.Parameters.Add(new NpgsqlParameter<string?>("state", NpgsqlDbType.Varchar) { TypedValue = requiredState });
                await using var reader = await recheck.ExecuteReaderAsync(write.CancellationToken);
                if (!await reader.ReadAsync(write.CancellationToken))
                {
                    return null; // disposed of by another run, or given a later TTL since the list was read
                }

                disposal = new CaseDisposal(candidate.Reference, reader.GetString(0), reader.GetDateTime(1), reader.GetFieldValue<DateOnly>(2), time.GetUtcNow(), write.Connection, write.Transaction);
            }

            var policy = PolicyOf(candidate.CaseTypeId);
            var decided = policy is null || await policy.DisposeOfCaseAsync(disposal, write.CancellationToken) ? RetentionDecision.Dispose : RetentionDecision.Retain;
            if (decided == RetentionDecision.Retain)
            {
                write.Complete();
            }
            else
            {
                await write.DisposeOfAsync();
            }

            return decided;
        }, cancellationToken);

        switch (decision)
        {
            case RetentionDecision.Retain:
                RetentionMetrics.CaseRetained(candidate.CaseTypeId);
                _logger.LogInformation("Retention kept case {Reference} of {CaseType}: its policy retains it", candidate.Reference, candidate.CaseTypeId);
                break;
            case RetentionDecision.Dispose:
                RetentionMetrics.CaseDisposed(candidate.CaseTypeId);
                _logger.LogInformation("Retention disposed of case {Reference} of {CaseType} (resolved TTL {ResolvedTtl})", candidate.Reference, candidate.CaseTypeId, candidate.ResolvedTtl);
                break;
        }

        return decision;
    }

    private async Task<List<RetentionCandidate>> CandidatesAsync(DateOnly today, List<string> caseTypes, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CandidatesSql);
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", NpgsqlDbType.Date) { TypedValue = today });
        command.Parameters.Add(new NpgsqlParameter<string[]>("case_types", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = caseTypes.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var candidates = new List<RetentionCandidate>();
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(new RetentionCandidate(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2)));
        }

        return candidates;
    }

    private async Task<List<RetentionBreach>> BreachesAsync(IEnumerable<string> candidateCaseTypes, CancellationToken cancellationToken)
    {
        var population = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = dataSource.CreateCommand(PopulationSql))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                population[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return candidateCaseTypes.GroupBy(t => t, StringComparer.Ordinal)
            .Select(group => new RetentionBreach(group.Key, group.Count(), population.GetValueOrDefault(group.Key)))
            .Where(b => b.Candidates >= options.MinimumCandidates && b.Candidates > options.MaximumShare * b.Population)
            .ToList();
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, long reference, DateOnly today)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", NpgsqlDbType.Date) { TypedValue = today });
        return command;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, long key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("key", NpgsqlDbType.Bigint) { TypedValue = key });
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The steps that go through CCD, each case on its own: a failure is recorded and the next case goes on.</summary>
    private sealed class CcdSteps(RetentionRun run, CcdDataStoreClient ccd, bool dryRun, List<RetentionFailure> failures)
    {
        public async Task<List<RetentionCase>> MarkAsync(List<RetentionCase> cases, CancellationToken cancellationToken)
        {
            var done = new List<RetentionCase>();
            foreach (var item in cases)
            {
                if (dryRun || await TriggerAsync(item, MarkEvent, "mark", "Retention: the service's policy marks the case for disposal", cancellationToken))
                {
                    done.Add(item);
                }
            }

            return done;
        }

        public async Task<List<RetentionCase>> ConfirmAsync(List<RetentionCase> cases, CancellationToken cancellationToken)
        {
            var done = new List<RetentionCase>();
            foreach (var item in cases)
            {
                // Only a case the system user can read is given its TTL: a 404 from a missing read permission must
                // never later look like "CCD has disposed of the case".
                var read = await ReadAsync(item, "confirm", cancellationToken);
                if (read is null)
                {
                    continue;
                }

                if (!read.Found)
                {
                    Fail(item, "confirm", $"CCD answers 404 for this {RetentionQueries.PendingDisposal} case: check the system user may read {item.CaseTypeId} cases in {RetentionQueries.PendingDisposal}; its TTL stays unset, so it is not deleted");
                    continue;
                }

                if (dryRun || await TriggerAsync(item, ConfirmEvent, "confirm", "Retention: disposal confirmed", cancellationToken))
                {
                    done.Add(item);
                }
            }

            return done;
        }

        public async Task<(List<RetentionCase> Held, List<RetentionCase> Deletable)> FindDeletableAsync(List<RetentionCase> cases, CancellationToken cancellationToken)
        {
            var held = new List<RetentionCase>();
            var deletable = new List<RetentionCase>();
            foreach (var item in cases)
            {
                var read = await ReadAsync(item, "delete", cancellationToken);
                if (read is null)
                {
                    continue;
                }

                // Only CCD's 404 lets the case go: while CCD returns it, its users would see an empty case.
                (read.Found ? held : deletable).Add(item);
                if (read.Found)
                {
                    run._logger.LogInformation("Retention kept case {Reference} of {CaseType}: CCD still holds it", item.Reference, item.CaseTypeId);
                }
            }

            return (held, deletable);
        }

        private async Task<CcdCaseRead?> ReadAsync(RetentionCase item, string step, CancellationToken cancellationToken)
        {
            try
            {
                return await ccd.ReadCaseAsync(item.Reference, cancellationToken);
            }
            catch (CentralCcdException exception)
            {
                Fail(item, step, exception.Message);
                return null;
            }
        }

        private async Task<bool> TriggerAsync(RetentionCase item, string eventId, string step, string summary, CancellationToken cancellationToken)
        {
            try
            {
                var state = await ccd.TriggerEventAsync(new CcdCaseKey(item.Jurisdiction, item.CaseTypeId, item.Reference), eventId, summary, cancellationToken);
                if (!string.Equals(state, RetentionQueries.PendingDisposal, StringComparison.Ordinal))
                {
                    Fail(item, step, $"CCD's {eventId} left the case in state '{state}', not {RetentionQueries.PendingDisposal}: check the case type's definition");
                    return false;
                }

                run._logger.LogInformation("Retention: {Event} on case {Reference} of {CaseType} through CCD", eventId, item.Reference, item.CaseTypeId);
                return true;
            }
            catch (CentralCcdException exception)
            {
                Fail(item, step, exception.Message);
                return false;
            }
        }

        private void Fail(RetentionCase item, string step, string reason)
        {
            run._logger.LogError("Retention could not {Step} case {Reference} of {CaseType}: {Reason}", step, item.Reference, item.CaseTypeId, reason);
            failures.Add(new RetentionFailure(item.Reference, item.CaseTypeId, step, reason));
        }
    }
}
