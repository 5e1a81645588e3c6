using System.Text.Json.Nodes;

namespace Ccd.Runtime.CaseTypes;

/// <summary>What an <see cref="IBlobHandler"/> gets: the classic about-to-submit input, as JSON.</summary>
public sealed class BlobContext : EventContext
{
    internal BlobContext(EventContextCore core, JsonObject? before, string? stateBefore, JsonObject data, string proposedState, JsonObject? stored)
        : base(core)
    {
        Stored = stored;
        Before = before;
        StateBefore = stateBefore;
        Data = data;
        ProposedState = proposedState;
    }

    /// <summary>The case data as stored now (loaded under the case lock, rendered); null on create.</summary>
    public JsonObject? Stored { get; }

    /// <summary>The case data before the event (<c>case_details_before.case_data</c>); null on create.</summary>
    public JsonObject? Before { get; }

    /// <summary>The stored state before the event; null on create.</summary>
    public string? StateBefore { get; }

    /// <summary>The proposed case data (<c>case_details.case_data</c>); the handler may change and return it.</summary>
    public JsonObject Data { get; }

    /// <summary>The state CCD proposes.</summary>
    public string ProposedState { get; }
}
