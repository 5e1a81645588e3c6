using System.Globalization;
using Adoption.Service.Access;
using Adoption.Service.CaseWrites;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// CCD's <c>MarkForDisposal</c> and <c>ConfirmDisposal</c> on A58, which <c>retention run</c> triggers through CCD
/// as its system user (<see cref="AdoptionRoles.SystemUpdate"/>); nobody else may run them. A confirm must carry
/// the TTL CCD's increment 0 set: without it CCD's disposer would never remove the pointer, and the case would wait
/// in PendingDisposal for ever, so a definition missing the increment is refused loudly instead.
/// </summary>
internal sealed class DisposalEventHandler : ISubmitHandler<AdoptionCase, AdoptionState>
{
    public async Task<SubmitResult<AdoptionCase, AdoptionState>> SubmitAsync(SubmitContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken)
    {
        var eventId = context.EventId.Value;
        if (!Caller.From(context.User).IsSystemUpdate)
        {
            return Refused($"'{eventId}' is run by retention's system user (role {AdoptionRoles.SystemUpdate}) only.");
        }

        var confirm = eventId == A58.Events.ConfirmDisposal;
        var systemTtl = context.Proposed.Ttl?.SystemTtl;
        if (confirm && systemTtl is null)
        {
            return Refused($"'{eventId}' carries no TTL.SystemTTL: A58's CCD definition needs the TTL field and a TTL increment of 0 on {eventId}.");
        }

        if (!await DisposalWrites.HasServiceRowsAsync(context, cancellationToken))
        {
            // Imported from CCD and never written here: only CCD's state moves.
            return new SubmitResult<AdoptionCase, AdoptionState> { State = AdoptionState.PendingDisposal };
        }

        return await CcdEventRunner.RunAsync(
            context,
            write => confirm ? DisposalWrites.ConfirmAsync(write, systemTtl!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : DisposalWrites.MarkAsync(write),
            cancellationToken);
    }

    private static SubmitResult<AdoptionCase, AdoptionState> Refused(string error) => new() { Errors = [error] };
}
