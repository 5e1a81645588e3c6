using Adoption.Service.CaseWrites;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.A58CaseType;

/// <summary><c>submitApplication</c> from CCD: creates the adoption case under the reference CCD generated.</summary>
internal sealed class SubmitApplicationHandler : ISubmitHandler<AdoptionCase, AdoptionState>
{
    public Task<SubmitResult<AdoptionCase, AdoptionState>> SubmitAsync(SubmitContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken) =>
        CcdEventRunner.RunAsync(context, async write =>
        {
            // The fields in the REST API's order, so the first one at fault is the one either path names.
            var proposed = context.Proposed;
            var request = new CreateCaseRequest(
                CaseInput.CourtCode(proposed.CourtCode, "courtCode"),
                CaseInput.Name(proposed.ApplicantName, "applicantName"),
                proposed.ApplicantEmail is { } email ? CaseInput.Email(email) : null,
                proposed.ApplicantPhone is { } phone ? CaseInput.Phone(phone) : null,
                CaseInput.Name(proposed.ChildName, "childName"),
                proposed.ChildDateOfBirth is { } born ? CaseInput.ChildDateOfBirth(born, write.Now) : null);
            await CreateCase.ExecuteAsync(write, request);
        }, cancellationToken);
}
