using System.Text.Json.Nodes;

namespace Ccd.Runtime.CaseTypes;

/// <summary>What the body of a service event gets: the event context and the case as stored before it.</summary>
public sealed class ServiceEventContext : EventContext
{
    internal ServiceEventContext(EventContextCore core, StateId? state, JsonObject? data)
        : base(core)
    {
        State = state;
        Data = data;
    }

    /// <summary>The case's state before the event; null on create.</summary>
    public StateId? State { get; }

    /// <summary>The stored blob before the event; null on create.</summary>
    public JsonObject? Data { get; }
}

/// <summary>What the body of a service event decided; any error or warning rolls the whole event back.</summary>
public sealed class ServiceEventOutcome : IEventResult
{
    /// <summary>Errors; any error refuses the event.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Warnings; any warning refuses the event too.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The state after the event; null keeps the current state. Required on create.</summary>
    public StateId? State { get; init; }

    /// <summary>A new stored blob; null keeps the stored one (an empty object on create).</summary>
    public JsonObject? Data { get; init; }

    /// <summary>
    /// Removes the case once the event is written: CCD's reads stop serving it and its search documents are deleted
    /// (the row stays, see <see cref="SearchIndexing.CaseRemoval"/>). Only the runtime writes <c>ccd.*</c>, so a body
    /// asks for the removal here rather than doing it itself.
    /// </summary>
    public bool RemoveCase { get; init; }

    /// <summary>
    /// The body changed nothing CCD sees (a no-op write): no event is written and the revision stays. What the body
    /// wrote to its own tables still commits.
    /// </summary>
    public bool Unchanged { get; init; }

    /// <summary>Overrides the case's security classification.</summary>
    public CaseSecurityClassification? SecurityClassification { get; init; }

    /// <summary>The history summary of the event.</summary>
    public string? Summary { get; init; }

    /// <summary>The history description of the event.</summary>
    public string? Description { get; init; }

    /// <summary>A document to show against the event in CCD's history: a description of 1-64 characters and an absolute http(s) URL.</summary>
    public (string Description, string Url)? SignificantItem { get; init; }

    // A service event answers no CCD user: there is no confirmation to show.
    string? IEventResult.ConfirmationHeader => null;

    string? IEventResult.ConfirmationBody => null;

    /// <summary>Success with nothing overridden.</summary>
    public static ServiceEventOutcome Ok(StateId? state = null) => new() { State = state };

    /// <summary>Refuses the event with <paramref name="errors"/>; nothing is written.</summary>
    public static ServiceEventOutcome Fail(params string[] errors) => new() { Errors = errors };
}

/// <summary>The result of a service event.</summary>
/// <param name="Committed">False when the body refused the event (nothing was written).</param>
/// <param name="Reference">The case reference (minted on create).</param>
/// <param name="Revision">The case's revision after the event (0 when refused on create).</param>
/// <param name="Version">The case's version after the event (0 when refused on create).</param>
/// <param name="State">The case's state after the event (null when refused on create).</param>
/// <param name="Errors">The body's errors when refused.</param>
/// <param name="Warnings">The body's warnings when refused.</param>
public sealed record ServiceEventResult(
    bool Committed, long Reference, int Revision, int Version, StateId? State, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>True when an earlier event under the same idempotency key is returned; nothing was run or written.</summary>
    public bool Replayed { get; init; }
}
