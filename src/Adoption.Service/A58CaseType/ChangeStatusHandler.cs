using Adoption.Service.CaseWrites;
using Adoption.Service.Hearings;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// <c>issueDirections</c>, <c>listHearing</c>, <c>makeOrder</c>, <c>closeCase</c> and <c>withdraw</c> from CCD:
/// the lifecycle and role rules of the REST API. The optimistic check is the runtime's (SPEC 2.4): CCD's version
/// is the version of the rendering, not of the adoption row. <c>listHearing</c> needs a valid <c>hearingDate</c>
/// (errors only: its warnings were the mid-event callback's to raise and the user's to accept).
/// </summary>
internal sealed class ChangeStatusHandler(HearingDateRule hearingDates) : ISubmitHandler<AdoptionCase, AdoptionState>
{
    public Task<SubmitResult<AdoptionCase, AdoptionState>> SubmitAsync(SubmitContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken) =>
        CcdEventRunner.RunAsync(context, async write =>
        {
            var target = Target(context.EventId.Value);
            var id = await CaseLookup.IdAsync(write);
            // CCD's listHearing page makes the date mandatory and its mid-event callback checks it, but the submit is
            // what stores it: check again here, since nothing guarantees the callback ran on what is submitted.
            var hearing = target == AdoptionState.HEARING
                ? hearingDates.Check(context.Proposed.HearingDate is { } date ? HearingDateRule.Format(date) : null, DateOnly.FromDateTime(write.Now))
                : null;
            await ChangeStatus.ExecuteAsync(write, id, target, expectedVersion: null, hearing);
        }, cancellationToken);

    private static AdoptionState Target(string eventId) => eventId switch
    {
        A58.Events.IssueDirections => AdoptionState.DIRECTIONS,
        A58.Events.ListHearing => AdoptionState.HEARING,
        A58.Events.MakeOrder => AdoptionState.ORDER_MADE,
        A58.Events.CloseCase => AdoptionState.CLOSED,
        A58.Events.Withdraw => AdoptionState.WITHDRAWN,
        _ => throw new InvalidOperationException($"{nameof(ChangeStatusHandler)} does not handle '{eventId}'."),
    };
}
