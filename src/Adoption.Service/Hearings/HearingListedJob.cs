using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.Hearings;

/// <summary>
/// The job a listed hearing leaves behind: tell the case's social workers. It is written with the event (the
/// runtime keys it by the event's idempotency key and <see cref="Name"/>), so a rolled-back listing leaves no job
/// and a replayed submit adds none.
/// </summary>
internal static class HearingListedJob
{
    /// <summary>The job kind <see cref="NotifyHearingListed"/> is registered for.</summary>
    public const string Kind = "adoption.notify-hearing-listed";

    /// <summary>The job's name within its event.</summary>
    public const string Name = "notify-hearing";

    public static void Enqueue(EventContext write, Guid caseId, DateOnly? hearingDate) =>
        write.EnqueueJob(Kind, Payload(caseId, hearingDate), Name);

    public static JsonObject Payload(Guid caseId, DateOnly? hearingDate) => new()
    {
        ["caseId"] = caseId.ToString(),
        [HearingDateRule.Field] = hearingDate is { } date ? HearingDateRule.Format(date) : null,
    };
}
