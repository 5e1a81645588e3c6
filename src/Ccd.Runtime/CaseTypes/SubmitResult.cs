using System.Text.Json.Nodes;

namespace Ccd.Runtime.CaseTypes;

/// <summary>The answer of an <see cref="ISubmitHandler{TCase, TState}"/>.</summary>
/// <typeparam name="TState">The case type's state enum.</typeparam>
public sealed class SubmitResult<TState> : EventResult
    where TState : struct, Enum
{
    /// <summary>The state after the event; null keeps the state CCD proposed (the event's post-state).</summary>
    public TState? State { get; init; }

    /// <summary>
    /// A new stored blob (<c>ccd.case_data.data</c>); null leaves the stored blob as it was (an empty object on
    /// create). Services that keep their case in their own tables leave it null and render it in their case view.
    /// </summary>
    public JsonObject? Data { get; init; }
}
