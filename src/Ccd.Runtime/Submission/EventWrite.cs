using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Persistence;

namespace Ccd.Runtime.Submission;

/// <summary>A person as recorded in history: id and names.</summary>
internal sealed record HistoryUser(string Id, string FirstName, string LastName);

/// <summary>Everything one committed event writes: the case row after it, its history row, queue and outbox entries.</summary>
internal sealed record EventWrite(
    CaseTypeDefinition CaseType,
    EventDefinition Event,
    StoredCase After,
    bool IsCreate,
    JsonObject Rendered,
    string? PreviousState,
    HistoryUser User,
    HistoryUser? ProxiedBy,
    string MessageUserId,
    string? Summary,
    string? Description,
    SignificantItem? SignificantItem,
    Guid? IdempotencyKey,
    string? Fingerprint,
    byte[]? ResponseBody,
    IReadOnlyList<PendingJob> Jobs);
