using Adoption.Service.CaseWrites;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// The events only the service's REST API records (<c>updateCaseDetails</c>, <c>assignUser</c>, ...): declared so
/// they appear in history, refused when CCD submits them, since their rules and inputs live in the REST API.
/// </summary>
internal sealed class ServiceOnlyEventHandler : ISubmitHandler<AdoptionCase, AdoptionState>
{
    public Task<SubmitResult<AdoptionCase, AdoptionState>> SubmitAsync(SubmitContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken) =>
        Task.FromResult(new SubmitResult<AdoptionCase, AdoptionState>
        {
            Errors = [$"'{context.EventId}' is recorded by the adoption service's own API (/api), not submitted through CCD."],
        });
}
