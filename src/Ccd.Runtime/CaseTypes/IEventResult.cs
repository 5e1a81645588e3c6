namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// What every handler style answers (<see cref="SubmitResult{TCase, TState}"/>, <see cref="BlobResult"/>,
/// <see cref="ServiceEventOutcome"/>), read by the write path in one shape. Any error <em>or warning</em> rolls the
/// whole event back; see the public classes for what each member means.
/// </summary>
internal interface IEventResult
{
    IReadOnlyList<string> Errors { get; }

    IReadOnlyList<string> Warnings { get; }

    CaseSecurityClassification? SecurityClassification { get; }

    string? Summary { get; }

    string? Description { get; }

    (string Description, string Url)? SignificantItem { get; }

    string? ConfirmationHeader { get; }

    string? ConfirmationBody { get; }
}

/// <summary>What the write path asks of every <see cref="IEventResult"/>.</summary>
internal static class EventResults
{
    /// <summary>True when the handler refused the event: any error or warning.</summary>
    public static bool Refused(this IEventResult result) => result.Errors.Count > 0 || result.Warnings.Count > 0;
}
