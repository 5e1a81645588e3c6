using Ccd.Runtime.Database;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Store;
using Ccd.Runtime.Wire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.Writing;

/// <summary>
/// The one way to write a case: every writer (CCD submits, the service's own events, supplementary-data updates,
/// removal and retention) runs its step here. It applies the time budget from the first wait on (the in-process
/// gate and the database lock included), takes the case lock, loads the case, runs the step, and commits only when
/// the step completed the write. A budget that runs out anywhere is a 503 the caller may retry, never a statement
/// timeout answered as "database unavailable".
/// </summary>
internal sealed class CaseWritePipeline(NpgsqlDataSource dataSource, TimeProvider time, CaseGate gate, IOptions<SubmissionOptions> options)
{
    // A minted reference that already exists is re-drawn; with 10^15 references a second clash means something is wrong.
    private const int MintAttempts = 5;

    /// <summary>The time budget of one write.</summary>
    public TimeSpan Budget => TimeSpan.FromSeconds(options.Value.TimeoutSeconds);

    /// <summary>
    /// Runs <paramref name="step"/> on case <paramref name="reference"/> (or on a newly minted reference when null)
    /// under the case lock, within the time budget. The transaction commits when the step called
    /// <see cref="CaseWrite.Complete"/> (every write method does), and rolls back otherwise; a step whose last write
    /// committed in its own round trip (<see cref="CaseWrite.Committed"/>) is not committed again.
    /// </summary>
    /// <param name="reference">The case; null mints a new, unused reference under its lock.</param>
    /// <param name="key">An idempotency key to look up in the same round trip as the lock.</param>
    /// <param name="step">The writer's work.</param>
    /// <param name="cancellationToken">The caller's cancellation (the request's).</param>
    public async Task<T> RunAsync<T>(long? reference, Guid? key, Func<CaseWrite, Task<T>> step, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var budget = new CancellationTokenSource(Budget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            return await RunWithinBudgetAsync(reference, key, step, started, linked.Token);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw OverBudget();
        }
    }

    private async Task<T> RunWithinBudgetAsync<T>(long? reference, Guid? key, Func<CaseWrite, Task<T>> step, long started, CancellationToken cancellationToken)
    {
        // A new case's reference is minted under its lock below; only writes to a known case queue at the gate.
        using var turn = reference is { } known ? await gate.EnterAsync(known, cancellationToken) : default(CaseGate.Turn?);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (caseReference, stored, storedKey) = await LockAsync(connection, transaction, reference, key, started, cancellationToken);
        var write = new CaseWrite(this, caseReference, stored, storedKey, connection, transaction, DatabaseClock.NowToMillisecond(time), time, cancellationToken);
        var result = await step(write);
        if (write.Completed && !write.Committed)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return result;
    }

    private async Task<(long Reference, StoredCase? Stored, CaseLock.StoredKey? Key)> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long? reference, Guid? key, long started, CancellationToken cancellationToken)
    {
        if (reference is { } given)
        {
            var (stored, storedKey) = await LockWithinBudgetAsync(connection, transaction, given, key, started, cancellationToken);
            return (given, stored, storedKey);
        }

        for (var attempt = 0; attempt < MintAttempts; attempt++)
        {
            var minted = CaseReference.Mint();
            var (stored, _) = await LockWithinBudgetAsync(connection, transaction, minted, null, started, cancellationToken);
            if (stored is null)
            {
                return (minted, null, null);
            }
        }

        throw new InvalidOperationException($"No unused case reference was found in {MintAttempts} attempts.");
    }

    // The wait for the lock is bounded by what is left of the budget, not by the command timeout (5 s by default)
    // that bounds ordinary statements: a wait behind a long event is not a database outage.
    private async Task<(StoredCase?, CaseLock.StoredKey?)> LockWithinBudgetAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long reference, Guid? key, long started, CancellationToken cancellationToken)
    {
        var left = Budget - time.GetElapsedTime(started);
        var seconds = Math.Max(1, (int)Math.Ceiling(left.TotalSeconds));
        try
        {
            return await CaseLock.LockAndLoadAsync(connection, transaction, reference, key, seconds, cancellationToken);
        }
        catch (NpgsqlException exception) when (exception.InnerException is TimeoutException)
        {
            throw OverBudget();
        }
    }

    private ProblemException OverBudget() =>
        new(503, "submit-timeout", "The write took too long.",
            $"The write did not finish within {options.Value.TimeoutSeconds} seconds (waiting for the case included) and was rolled back; nothing was written.");
}
