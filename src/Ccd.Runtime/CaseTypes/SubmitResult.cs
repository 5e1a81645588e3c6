namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// The answer of an <see cref="ISubmitHandler{TCase, TState}"/>. Any error <em>or warning</em> rolls the whole event
/// back (the service's own writes included) and is returned to CCD as a 200 with <c>errors</c>/<c>warnings</c>: CCD
/// cannot pass on the user's choice to ignore a warning, so warnings the user may override belong in mid-event callbacks.
/// </summary>
/// <typeparam name="TCase">The case class.</typeparam>
/// <typeparam name="TState">The case type's state enum.</typeparam>
public sealed class SubmitResult<TCase, TState> : IEventResult
    where TCase : class
    where TState : struct, Enum
{
    /// <summary>Errors shown to the user; any error refuses the event.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Warnings shown to the user; any warning refuses the event too (see the class remarks).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The state after the event; null keeps the state CCD proposed (the event's post-state).</summary>
    public TState? State { get; init; }

    /// <summary>
    /// The new stored case (<c>ccd.case_data.data</c>), serialised by the runtime as CCD's case data; null leaves the
    /// stored case as it was (an empty object on create). Services that keep their case in their own tables leave it
    /// null and render it in their case view.
    /// </summary>
    public TCase? Data { get; init; }

    /// <summary>Overrides the security classification CCD proposed.</summary>
    public CaseSecurityClassification? SecurityClassification { get; init; }

    /// <summary>Overrides the history summary the user typed.</summary>
    public string? Summary { get; init; }

    /// <summary>Overrides the history description the user typed.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// A document to show against the event in CCD's history (its type is always <c>DOCUMENT</c>): a description of
    /// 1-64 characters and an absolute http(s) URL, otherwise the event is refused with an error.
    /// </summary>
    public (string Description, string Url)? SignificantItem { get; init; }

    /// <summary>The confirmation header CCD shows after the event (markdown).</summary>
    public string? ConfirmationHeader { get; init; }

    /// <summary>The confirmation body CCD shows after the event (markdown).</summary>
    public string? ConfirmationBody { get; init; }
}
