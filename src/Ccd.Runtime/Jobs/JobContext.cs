namespace Ccd.Runtime.Jobs;

/// <summary>What an <see cref="IJobHandler{TJob}"/> is told about the job it runs, besides the job itself.</summary>
public sealed class JobContext
{
    internal JobContext(long id, string kind, string idempotencyKey, long? caseReference, int attempt)
    {
        Id = id;
        Kind = kind;
        IdempotencyKey = idempotencyKey;
        CaseReference = caseReference;
        Attempt = attempt;
    }

    /// <summary>The job's id in <c>ccd.jobs</c> (what <c>jobs list</c> shows and <c>jobs retry</c> takes).</summary>
    public long Id { get; }

    /// <summary>The kind the job is stored with, which chose this handler (the job type's name unless registered with another).</summary>
    public string Kind { get; }

    /// <summary>The job's unique key (the event's idempotency key and the job's name): stable across retries.</summary>
    public string IdempotencyKey { get; }

    /// <summary>The case the job belongs to, if any.</summary>
    public long? CaseReference { get; }

    /// <summary>Which attempt this is, starting at 1.</summary>
    public int Attempt { get; }
}
