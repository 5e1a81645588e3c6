using Ccd.Runtime.Authentication;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// One of the service's own events (see <see cref="ICcdEventSubmitter.SubmitAsync(ServiceEventRequest, Func{ServiceEventContext, CancellationToken, Task{ServiceEventOutcome}}, CancellationToken)"/>):
/// which event on which case, who does it, for whom, and the key that makes a retry safe.
/// </summary>
/// <param name="CaseTypeId">The case type, such as <c>A58</c>.</param>
/// <param name="EventId">A declared event of the case type.</param>
/// <param name="Reference">The case; null creates a case under a newly minted reference.</param>
public sealed record ServiceEventRequest(CaseTypeId CaseTypeId, EventId EventId, long? Reference)
{
    /// <summary>
    /// The authenticated caller, whose roles and courts access decisions use. Null runs the event as the configured
    /// system identity (<c>Ccd:Submission:SystemUser</c>), for work done by jobs.
    /// </summary>
    public CcdUser? Actor { get; init; }

    /// <summary>
    /// The user the caller acts for, if any. History then names this user, with the actor as <c>proxied_by</c>, as
    /// CCD does; only the id and names are used.
    /// </summary>
    public CcdUser? OnBehalfOf { get; init; }

    /// <summary>
    /// Makes the event idempotent: a repeat with the same key returns the first outcome and writes nothing, even when
    /// the repeats run concurrently. Derive it from the operation that caused the event and reuse it on every retry.
    /// </summary>
    public Guid? IdempotencyKey { get; init; }

    /// <summary>
    /// What else identifies the request under <see cref="IdempotencyKey"/> (such as a hash of its input). A repeat of
    /// the key with another case, event, actor, on-behalf-of user or fingerprint is refused.
    /// </summary>
    public string? Fingerprint { get; init; }
}
