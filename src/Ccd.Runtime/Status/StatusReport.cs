namespace Ccd.Runtime.Status;

/// <summary>What <c>status</c> reports: one consistent read of the store's health figures.</summary>
internal sealed record StatusReport(
    IReadOnlyDictionary<string, string> Schema,
    IReadOnlyDictionary<string, long> CasesByCaseType,
    QueueFigures SearchQueue,
    long SearchDeadLetters,
    QueueFigures Outbox,
    JobFigures Jobs,
    IReadOnlyList<ImportFigures> Imports)
{
    /// <summary>Outbox rows parked (refused for good by the broker; counted in <see cref="Outbox"/> too), waiting for <c>outbox retry</c> or <c>outbox skip</c>.</summary>
    public long OutboxParked { get; init; }
}

/// <summary>Rows waiting and the age of the oldest one, in whole seconds (null when nothing waits).</summary>
internal sealed record QueueFigures(long Depth, long? OldestAgeSeconds);

internal sealed record JobFigures(long Queued, long Running, long Failed);

internal sealed record ImportFigures(
    string CaseTypeId,
    string Phase,
    long HighWaterMark,
    long CasesCopied,
    long EventsCopied,
    DateTime StartedAt,
    DateTime UpdatedAt,
    DateTime? CompletedAt);
