using Npgsql;

namespace Ccd.Runtime.Retention;

/// <summary>
/// A service's retention policy for one case type (<c>retention run</c>): which cases are due for disposal, and
/// what happens to the service's own rows when one is deleted. Register one per case type in the service
/// collection; a case type without one has the default candidates (resolved TTL passed) and is deleted entirely.
/// </summary>
public interface ICaseRetentionPolicy
{
    /// <summary>The case type this policy decides for.</summary>
    string CaseTypeId { get; }

    /// <summary>
    /// The references of this case type's cases that are due for disposal now (the complete current set; the
    /// runtime ignores those already in <c>PendingDisposal</c>). For a case type in CCD the runtime then triggers
    /// CCD's <c>MarkForDisposal</c> on each; deletion follows only once CCD no longer holds the case. The default is
    /// every case whose resolved TTL has passed. Read only on <paramref name="connection"/>, an open connection to
    /// the service's database; nothing written here is kept. <paramref name="now"/> is the application clock's time
    /// of the run.
    /// </summary>
    Task<IReadOnlyCollection<long>> FindCandidatesAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken) =>
        RetentionQueries.ResolvedTtlPassedAsync(connection, CaseTypeId, now, cancellationToken);

    /// <summary>
    /// Called inside the disposal transaction, holding the case's lock, before the runtime deletes the case's
    /// <c>ccd</c> rows: delete, anonymise or keep the service's own rows on <see cref="CaseDisposal.Connection"/>.
    /// Return true to dispose of the case (the runtime deletes its <c>ccd</c> rows and removes it from the search
    /// indexes), false to keep the whole case, for example under a legal hold or a longer statutory period (nothing
    /// is deleted, the run moves on).
    /// </summary>
    Task<bool> DisposeOfCaseAsync(CaseDisposal disposal, CancellationToken cancellationToken);
}

/// <summary>What a policy decided for one case.</summary>
internal enum RetentionDecision
{
    /// <summary>Delete the case's <c>ccd</c> rows and remove it from the search indexes.</summary>
    Dispose,

    /// <summary>Keep the case as it is (for example a legal hold or a longer statutory period).</summary>
    Retain,
}

/// <summary>The case being disposed of and the open transaction to do the service's part in.</summary>
/// <param name="Reference">The 16-digit case reference.</param>
/// <param name="CaseTypeId">The case type.</param>
/// <param name="CreatedDate">When the case was created (UTC).</param>
/// <param name="ResolvedTtl">The resolved TTL that has passed.</param>
/// <param name="Now">The application clock's time of the disposal.</param>
/// <param name="Connection">The disposal's connection.</param>
/// <param name="Transaction">The disposal's transaction; the service's changes commit or roll back with the runtime's.</param>
public sealed record CaseDisposal(
    long Reference,
    string CaseTypeId,
    DateTime CreatedDate,
    DateOnly ResolvedTtl,
    DateTimeOffset Now,
    NpgsqlConnection Connection,
    NpgsqlTransaction Transaction);
