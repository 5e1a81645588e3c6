namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// Answers one of CCD's callbacks for an event: about-to-start (declare it with
/// <c>EventBuilder.AboutToStart&lt;THandler&gt;()</c>) or mid-event for one page (<c>EventBuilder.MidEvent&lt;THandler&gt;(pageId)</c>).
/// Resolved from dependency injection for every request. Callbacks only shape what the user sees while filling in
/// the event; nothing is stored until the event is submitted.
/// </summary>
public interface ICallbackHandler
{
    /// <summary>Returns the case data to show (pre-filled or corrected), errors that stop the user, or warnings the user may accept.</summary>
    Task<CallbackResponse> HandleAsync(CallbackRequest request, CancellationToken cancellationToken);
}
