using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Store;

namespace Ccd.Runtime.Writing;

/// <summary>What an event decided, before the runtime turns it into the case row, history, queue and outbox writes.</summary>
internal sealed record EventPlan
{
    public required CaseTypeDefinition CaseType { get; init; }

    public required EventDefinition Event { get; init; }

    public required long Reference { get; init; }

    /// <summary>The case before the event; null on create.</summary>
    public required StoredCase? Existing { get; init; }

    /// <summary>The case view's rendering before the event (null on create).</summary>
    public required JsonObject? RenderedBefore { get; init; }

    public required string State { get; init; }

    public required CaseSecurityClassification Classification { get; init; }

    public required DateOnly? ResolvedTtl { get; init; }

    /// <summary>The stored blob after the event.</summary>
    public required JsonObject Blob { get; init; }

    public required long? InternalId { get; init; }

    /// <summary>The supplementary data of a new case (ignored on update).</summary>
    public required JsonObject SupplementaryOnCreate { get; init; }

    /// <summary>The version the caller saw; null means the event never conflicts (additive events, the service's own writes).</summary>
    public required int? ExpectedVersion { get; init; }

    public required HistoryUser User { get; init; }

    public required HistoryUser? ProxiedBy { get; init; }

    public required string MessageUserId { get; init; }

    public required string? Summary { get; init; }

    public required string? Description { get; init; }

    public required (string Description, string Url)? SignificantItem { get; init; }

    public required Guid? IdempotencyKey { get; init; }

    public required string? Fingerprint { get; init; }

    public required IReadOnlyList<PendingJob> Jobs { get; init; }

    public required DateTime Now { get; init; }
}
