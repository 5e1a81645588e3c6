using Ccd.Runtime.Persistence;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Retention;

/// <summary>
/// <c>retention run</c>: disposes of the cases whose resolved TTL has passed, one transaction per case, after the
/// circuit breaker has agreed; only one replica runs at a time (a session advisory lock).
/// </summary>
internal sealed class RetentionRun(
    NpgsqlDataSource dataSource,
    CaseWritePipeline pipeline,
    TimeProvider time,
    IEnumerable<ICaseRetentionPolicy> policies,
    RetentionOptions options,
    ILogger<RetentionRun> logger)
{
    // Arbitrary constant shared by every replica: "ccd-rete".
    internal const long AdvisoryLockKey = 0x6363642D72657465;

    // "Has passed" means strictly before today, as CCD's own disposer reads the TTL.
    private const string CandidatesSql = """
        SELECT reference, case_type_id, resolved_ttl FROM ccd.case_data WHERE resolved_ttl < @today ORDER BY case_type_id, reference
        """;

    private const string PopulationSql = "SELECT case_type_id, count(*) FROM ccd.case_data GROUP BY case_type_id";

    // Re-read under the lock: an event since the candidate list may have moved the TTL on.
    private const string RecheckSql = """
        SELECT case_type_id, created_date, resolved_ttl FROM ccd.case_data WHERE reference = @reference AND resolved_ttl < @today
        """;

    public async Task<RetentionReport> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(lockConnection, "SELECT pg_try_advisory_lock(@key)", AdvisoryLockKey, cancellationToken))
        {
            logger.LogWarning("Retention run skipped: another replica holds the retention lock");
            return new RetentionReport(RetentionOutcome.Locked, [], [], [], []);
        }

        try
        {
            var candidates = await CandidatesAsync(today, cancellationToken);
            var breaches = await BreachesAsync(candidates, cancellationToken);
            if (breaches.Count > 0)
            {
                RetentionMetrics.RunRefused();
                foreach (var breach in breaches)
                {
                    logger.LogError(
                        "Retention run refused: {Candidates} of {Population} {CaseType} cases are past their TTL, above the {Share:P1} limit",
                        breach.Candidates, breach.Population, breach.CaseTypeId, options.MaximumShare);
                }

                return new RetentionReport(RetentionOutcome.Refused, candidates, [], [], breaches);
            }

            if (dryRun)
            {
                return new RetentionReport(RetentionOutcome.DryRun, candidates, [], [], []);
            }

            var disposed = new List<RetentionCandidate>();
            var retained = new List<RetentionCandidate>();
            foreach (var candidate in candidates)
            {
                switch (await DisposeAsync(candidate, today, cancellationToken))
                {
                    case RetentionDecision.Dispose:
                        disposed.Add(candidate);
                        break;
                    case RetentionDecision.Retain:
                        retained.Add(candidate);
                        break;
                    case null:
                        break;
                }
            }

            return new RetentionReport(RetentionOutcome.Completed, candidates, disposed, retained, []);
        }
        finally
        {
            // Pooled connections keep session locks until reused: release it now.
            await ScalarAsync<bool>(lockConnection, "SELECT pg_advisory_unlock(@key)", AdvisoryLockKey, CancellationToken.None);
        }
    }

    // One write of the case pipeline: under the case lock, so no event can commit on a case while it is disposed of.
    private async Task<RetentionDecision?> DisposeAsync(RetentionCandidate candidate, DateOnly today, CancellationToken cancellationToken)
    {
        var decision = await pipeline.RunAsync<RetentionDecision?>(candidate.Reference, key: null, async write =>
        {
            CaseDisposal disposal;
            await using (var recheck = Command(write.Connection, write.Transaction, RecheckSql, candidate.Reference, today))
            await using (var reader = await recheck.ExecuteReaderAsync(write.CancellationToken))
            {
                if (!await reader.ReadAsync(write.CancellationToken))
                {
                    return null; // disposed of by another run, or given a later TTL since the list was read
                }

                disposal = new CaseDisposal(candidate.Reference, reader.GetString(0), reader.GetDateTime(1), reader.GetFieldValue<DateOnly>(2), time.GetUtcNow(), write.Connection, write.Transaction);
            }

            var policy = policies.FirstOrDefault(p => string.Equals(p.CaseTypeId, candidate.CaseTypeId, StringComparison.Ordinal));
            var decided = policy is null ? RetentionDecision.Dispose : await policy.DisposeOfCaseAsync(disposal, write.CancellationToken);
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
                logger.LogInformation("Retention kept case {Reference} of {CaseType}: its policy retains it", candidate.Reference, candidate.CaseTypeId);
                break;
            case RetentionDecision.Dispose:
                RetentionMetrics.CaseDisposed(candidate.CaseTypeId);
                logger.LogInformation("Retention disposed of case {Reference} of {CaseType} (resolved TTL {ResolvedTtl})", candidate.Reference, candidate.CaseTypeId, candidate.ResolvedTtl);
                break;
        }

        return decision;
    }

    private async Task<List<RetentionCandidate>> CandidatesAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CandidatesSql);
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", NpgsqlDbType.Date) { TypedValue = today });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var candidates = new List<RetentionCandidate>();
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(new RetentionCandidate(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2)));
        }

        return candidates;
    }

    private async Task<List<RetentionBreach>> BreachesAsync(List<RetentionCandidate> candidates, CancellationToken cancellationToken)
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

        return candidates.GroupBy(c => c.CaseTypeId, StringComparer.Ordinal)
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
}

internal enum RetentionOutcome
{
    Completed,
    DryRun,
    Refused,
    Locked,
}

internal sealed record RetentionCandidate(long Reference, string CaseTypeId, DateOnly ResolvedTtl);

internal sealed record RetentionBreach(string CaseTypeId, long Candidates, long Population);

internal sealed record RetentionReport(
    RetentionOutcome Outcome,
    IReadOnlyList<RetentionCandidate> Candidates,
    IReadOnlyList<RetentionCandidate> Disposed,
    IReadOnlyList<RetentionCandidate> Retained,
    IReadOnlyList<RetentionBreach> Breaches);
