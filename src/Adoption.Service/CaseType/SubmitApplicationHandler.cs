using System.Text.Json.Nodes;
using Adoption.Service.Cases;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.CaseType;

/// <summary><c>submitApplication</c> from CCD: creates the adoption case under the reference CCD generated.</summary>
internal sealed class SubmitApplicationHandler : ISubmitHandler<AdoptionCase, AdoptionState>
{
    public Task<SubmitResult<AdoptionState>> SubmitAsync(SubmitContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken) =>
        CcdEventRunner.RunAsync(context, async write =>
        {
            var proposed = context.Proposed;
            var body = new JsonObject();
            Add(body, "courtCode", proposed.CourtCode);
            Add(body, "applicantName", proposed.ApplicantName);
            Add(body, "applicantEmail", proposed.ApplicantEmail);
            Add(body, "applicantPhone", proposed.ApplicantPhone);
            Add(body, "childName", proposed.ChildName);
            Add(body, "childDateOfBirth", proposed.ChildDateOfBirth);
            await CreateCase.ExecuteAsync(write, CreateCaseRequest.Parse(body, write.Now));
        }, cancellationToken);

    private static void Add(JsonObject body, string name, string? value)
    {
        if (value is not null)
        {
            body[name] = value;
        }
    }
}
