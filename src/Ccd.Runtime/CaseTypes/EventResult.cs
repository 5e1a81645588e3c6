namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// What a handler answers, common to both handler styles. Any error <em>or warning</em> rolls the whole event back
/// (the service's own writes included) and is returned to CCD as a 200 with <c>errors</c>/<c>warnings</c>: CCD
/// cannot pass on the user's choice to ignore a warning, so warnings the user may override belong in mid-event callbacks.
/// </summary>
public abstract class EventResult
{
    /// <summary>Errors shown to the user; any error refuses the event.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Warnings shown to the user; any warning refuses the event too (see the class remarks).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

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

    internal bool Refused => Errors.Count > 0 || Warnings.Count > 0;
}
