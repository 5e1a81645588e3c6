namespace Ccd.Runtime.Jobs;

/// <summary>How one claimed job's attempt ended (what the test harness's <c>RunDueJobsAsync</c> reports).</summary>
internal sealed record JobAttemptOutcome(long Id, string Kind, long? CaseReference, int Attempt, JobAttemptResult Result, string? Error);

/// <summary>The end of one attempt.</summary>
internal enum JobAttemptResult
{
    /// <summary>The handler succeeded; the job is done.</summary>
    Done,

    /// <summary>The attempt failed; the job waits for its back-off.</summary>
    Retrying,

    /// <summary>The last attempt failed; the job is failed (see <c>jobs list --failed</c>).</summary>
    Failed,

    /// <summary>Not run: its last attempt outlived its lease on another worker, so the job was failed.</summary>
    LeaseExpired,

    /// <summary>The worker stopped mid-attempt and handed the job back.</summary>
    Released,

    /// <summary>The attempt outlived its lease and another worker took the job over; this outcome was dropped.</summary>
    LeaseLost,
}
