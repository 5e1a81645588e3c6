using Adoption.Service.Cases;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.CaseType;

/// <summary>
/// <c>issueDirections</c>, <c>listHearing</c>, <c>makeOrder</c>, <c>closeCase</c> and <c>withdraw</c> from CCD:
/// the lifecycle and role rules of the REST API. The optimistic check is the runtime's (SPEC 2.4): CCD's version
/// is the version of the rendering, not of the adoption row.
/// </summary>
internal sealed class ChangeStatusHandler : ISubmitHandler<AdoptionCase, AdoptionState>
{
    public Task<SubmitResult<AdoptionState>> SubmitAsync(SubmitContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken) =>
        CcdEventRunner.RunAsync(context, async write =>
        {
            var target = Target(context.Event.EventId);
            var id = await CaseLookup.IdAsync(write);
            await ChangeStatus.ExecuteAsync(write, id, target, expectedVersion: null);
        }, cancellationToken);

    private static string Target(string eventId) => eventId switch
    {
        A58.Events.IssueDirections => CaseStatus.Directions,
        A58.Events.ListHearing => CaseStatus.Hearing,
        A58.Events.MakeOrder => CaseStatus.OrderMade,
        A58.Events.CloseCase => CaseStatus.Closed,
        A58.Events.Withdraw => CaseStatus.Withdrawn,
        _ => throw new InvalidOperationException($"{nameof(ChangeStatusHandler)} does not handle '{eventId}'."),
    };
}
