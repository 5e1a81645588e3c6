namespace Ccd.Runtime.Retention;

internal enum RetentionOutcome
{
    Completed,
    DryRun,
    Refused,
    Locked,
}

internal sealed record RetentionCandidate(long Reference, string CaseTypeId, DateOnly ResolvedTtl);

internal sealed record RetentionBreach(string CaseTypeId, long Candidates, long Population);

/// <summary>A case a step of the run could not complete, and why (no case data in the reason).</summary>
internal sealed record RetentionFailure(long Reference, string CaseTypeId, string Step, string Reason);

/// <summary>
/// What one run did (or, dry, would do). <see cref="Candidates"/>, <see cref="Disposed"/> and <see cref="Retained"/>
/// cover both modes' local deletions; <see cref="Marked"/>, <see cref="Confirmed"/>, <see cref="HeldByCcd"/> and
/// <see cref="Deletable"/> the CCD steps.
/// </summary>
internal sealed record RetentionReport(
    RetentionOutcome Outcome,
    IReadOnlyList<RetentionCandidate> Candidates,
    IReadOnlyList<RetentionCandidate> Disposed,
    IReadOnlyList<RetentionCandidate> Retained,
    IReadOnlyList<RetentionBreach> Breaches)
{
    /// <summary>Cases MarkForDisposal was triggered for in CCD (dry: would be).</summary>
    public IReadOnlyList<RetentionCase> Marked { get; init; } = [];

    /// <summary>PendingDisposal cases ConfirmDisposal was triggered for (dry: would be).</summary>
    public IReadOnlyList<RetentionCase> Confirmed { get; init; } = [];

    /// <summary>PendingDisposal cases past their TTL that CCD still returns: kept.</summary>
    public IReadOnlyList<RetentionCase> HeldByCcd { get; init; } = [];

    /// <summary>Dry run only: cases CCD answers 404 for, which a run would delete.</summary>
    public IReadOnlyList<RetentionCase> Deletable { get; init; } = [];

    public IReadOnlyList<RetentionFailure> Failures { get; init; } = [];

    public bool Failed => Outcome is RetentionOutcome.Refused || Failures.Count > 0;
}
