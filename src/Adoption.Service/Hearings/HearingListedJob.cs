using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.Hearings;

/// <summary>
/// The job a listed hearing leaves behind: tell the case's social workers. It is written with the event (the
/// runtime keys it by the event's idempotency key and <see cref="Name"/>), so a rolled-back listing leaves no job
/// and a replayed submit adds none. Stored as <c>{"caseId": ..., "hearingDate": "yyyy-MM-dd"}</c> under
/// <see cref="Kind"/>, the kind it had before jobs were typed, so jobs stored then still run.
/// </summary>
/// <param name="CaseId">The adoption case (<c>adoption.cases.id</c>).</param>
/// <param name="HearingDate">The listed date, when one was given.</param>
internal sealed record HearingListedJob(Guid CaseId, DateOnly? HearingDate)
{
    /// <summary>The job kind <see cref="NotifyHearingListed"/> is registered for.</summary>
    public const string Kind = "adoption.notify-hearing-listed";

    /// <summary>The job's name within its event.</summary>
    public const string Name = "notify-hearing";

    public static void Enqueue(EventContext write, Guid caseId, DateOnly? hearingDate) =>
        write.EnqueueJob(new HearingListedJob(caseId, hearingDate), Name);
}
