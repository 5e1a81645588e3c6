using System.Text.Json.Nodes;

namespace Ccd.Runtime.Jobs;

/// <summary>The job a <see cref="IJobHandler"/> is asked to run.</summary>
public sealed class JobContext
{
    internal JobContext(long id, string kind, JsonNode payload, string idempotencyKey, long? caseReference, int attempt)
    {
        Id = id;
        Kind = kind;
        Payload = payload;
        IdempotencyKey = idempotencyKey;
        CaseReference = caseReference;
        Attempt = attempt;
    }

    /// <summary>The job's id in <c>ccd.jobs</c> (what <c>jobs list</c> shows and <c>jobs retry</c> takes).</summary>
    public long Id { get; }

    /// <summary>The kind the job was enqueued with, which chose this handler.</summary>
    public string Kind { get; }

    /// <summary>The payload the event stored with the job.</summary>
    public JsonNode Payload { get; }

    /// <summary>The job's unique key (the event's idempotency key and the job's name): stable across retries.</summary>
    public string IdempotencyKey { get; }

    /// <summary>The case the job belongs to, if any.</summary>
    public long? CaseReference { get; }

    /// <summary>Which attempt this is, starting at 1.</summary>
    public int Attempt { get; }
}
