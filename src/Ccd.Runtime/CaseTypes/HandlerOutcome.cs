using System.Text.Json.Nodes;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// What a submission gives a case type's handler: CCD's before and proposal (rebased onto the stored case for an
/// additive event), and the case as the pipeline loaded it under the lock, rendered (<see cref="Current"/>).
/// </summary>
internal sealed record HandlerInput(
    EventContextCore Core,
    JsonObject? Before,
    string? StateBefore,
    JsonObject Proposed,
    string ProposedState,
    JsonObject StoredBlob,
    JsonObject? Current);

/// <summary>What the handler decided, in one shape for both styles.</summary>
internal sealed record HandlerOutcome(EventResult Result, string State, JsonObject Blob)
{
    public static HandlerOutcome Refused(EventResult result, HandlerInput input) => new(result, input.ProposedState, input.StoredBlob);
}

/// <summary>The result of an event with no handler.</summary>
internal sealed class NoHandlerResult : EventResult
{
    public static readonly NoHandlerResult Instance = new();
}

/// <summary>An event the runtime itself refuses (an invalid significant item, revisions used up), answered like a handler's error.</summary>
internal sealed class RuntimeRefusal : EventResult
{
    public RuntimeRefusal(string error) => Errors = [error];
}
