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
internal sealed record HandlerOutcome(IEventResult Result, string State, JsonObject Blob)
{
    public static HandlerOutcome Refused(IEventResult result, HandlerInput input) => new(result, input.ProposedState, input.StoredBlob);
}

/// <summary>
/// The result of an event with no handler (no errors), or of one the runtime itself refuses (an invalid significant
/// item, revisions used up), answered like a handler's error.
/// </summary>
internal sealed class RuntimeResult(IReadOnlyList<string> errors) : IEventResult
{
    public static readonly RuntimeResult NoHandler = new([]);

    public IReadOnlyList<string> Errors { get; } = errors;

    public IReadOnlyList<string> Warnings => [];

    public CaseSecurityClassification? SecurityClassification => null;

    public string? Summary => null;

    public string? Description => null;

    public (string Description, string Url)? SignificantItem => null;

    public string? ConfirmationHeader => null;

    public string? ConfirmationBody => null;

    public static RuntimeResult Refusal(string error) => new([error]);
}
