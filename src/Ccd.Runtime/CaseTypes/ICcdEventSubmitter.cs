namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// The service's own writes (its REST API, imports, jobs) as CCD events, through the same write path as CCD's
/// submits: case lock, the service's table writes in the body, then the case view's rendering,
/// version and revision, history, search queue, outbox and jobs, all in one transaction.
/// </summary>
public interface ICcdEventSubmitter
{
    /// <summary>
    /// Runs the event <paramref name="request"/> describes on its case, or creates a case when its reference is null
    /// (the runtime mints a random unique 16-digit reference; the case has no CCD internal id until CCD submits an
    /// event for it), as its actor (or the configured system identity) and for its on-behalf-of user. The body gets
    /// the context and <paramref name="cancellationToken"/>. When it returns errors or warnings, or throws, everything
    /// rolls back. A replay under the request's idempotency key returns the first result with
    /// <see cref="ServiceEventResult.Replayed"/> set, without running <paramref name="body"/>.
    /// </summary>
    /// <exception cref="Problems.ProblemException">404 for an unknown (or removed) case; 409 at the revision ceiling; 422 when the key was used for another request.</exception>
    /// <exception cref="InvalidOperationException">The case type or event is not declared, or no actor is given and no system identity is configured.</exception>
    Task<ServiceEventResult> SubmitAsync(
        ServiceEventRequest request,
        Func<ServiceEventContext, CancellationToken, Task<ServiceEventOutcome>> body,
        CancellationToken cancellationToken);

    /// <summary>
    /// Runs the event <paramref name="request"/> describes, as the overload above does, with a body that gets the
    /// cancellation token and returns a value beside its outcome (such as the row it created), so the caller needs no
    /// captured variable. The value is the body's; it is default when the body did not run (a replay).
    /// </summary>
    /// <exception cref="Problems.ProblemException">As for the overload above.</exception>
    /// <exception cref="InvalidOperationException">As for the overload above.</exception>
    Task<(ServiceEventResult Result, TValue? Value)> SubmitAsync<TValue>(
        ServiceEventRequest request,
        Func<ServiceEventContext, CancellationToken, Task<(ServiceEventOutcome Outcome, TValue Value)>> body,
        CancellationToken cancellationToken);
}
