using Ccd.Runtime.Jobs;

namespace Ccd.Runtime.Testing;

/// <summary>One job attempt <see cref="CcdTestHost.RunDueJobsAsync"/> ran, and how it ended.</summary>
/// <param name="Id">The job's id in <c>ccd.jobs</c>.</param>
/// <param name="Kind">The job's stored kind (its type's name unless registered with another).</param>
/// <param name="CaseReference">The case of the event that enqueued it, if any.</param>
/// <param name="Attempt">Which attempt this was, from 1.</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="Error">Why it failed (the exception's type and message, as <c>jobs list</c> shows it); null when done.</param>
public sealed record CcdJobRun(long Id, string Kind, long? CaseReference, int Attempt, CcdJobOutcome Outcome, string? Error)
{
    internal static CcdJobRun Of(JobAttemptOutcome outcome) => new(
        outcome.Id,
        outcome.Kind,
        outcome.CaseReference,
        outcome.Attempt,
        outcome.Result switch
        {
            JobAttemptResult.Done => CcdJobOutcome.Done,
            JobAttemptResult.Retrying => CcdJobOutcome.Retrying,
            JobAttemptResult.Failed or JobAttemptResult.LeaseExpired => CcdJobOutcome.Failed,
            _ => CcdJobOutcome.Interrupted,
        },
        outcome.Error);
}

/// <summary>How a job attempt ended.</summary>
public enum CcdJobOutcome
{
    /// <summary>The handler succeeded: the job is done.</summary>
    Done,

    /// <summary>The attempt failed: the job runs again after its back-off.</summary>
    Retrying,

    /// <summary>The last attempt failed (or outlived its lease): the job is failed, as <c>jobs list --failed</c> shows.</summary>
    Failed,

    /// <summary>The attempt was cut short (the host stopped, or its lease ran out and another worker took the job).</summary>
    Interrupted,
}
