using System.Text.Json.Nodes;
using Adoption.Service.CaseWrites;
using Adoption.Service.Http;
using Ccd.Runtime.Problems;

namespace Adoption.Service.Api.Cases;

/// <summary>The JSON bodies of the case resource, read into the kernel's commands.</summary>
internal static class CaseRequests
{
    public static readonly string[] CreateMembers = ["courtCode", "applicantName", "applicantEmail", "applicantPhone", "childName", "childDateOfBirth"];

    private static readonly string[] PatchMembers = ["applicantName", "applicantEmail", "applicantPhone", "childName", "childDateOfBirth", "version"];

    /// <summary>The body of <c>POST /api/cases</c>, each member checked in turn.</summary>
    public static CreateCaseRequest Create(JsonObject body, DateTime now)
    {
        RequestJson.AllowOnly(body, CreateMembers);
        return new CreateCaseRequest(
            CaseInput.CourtCode(RequestJson.TextOrNull(body["courtCode"], "courtCode"), "courtCode"),
            CaseInput.Name(RequestJson.TextOrNull(body["applicantName"], "applicantName"), "applicantName"),
            body["applicantEmail"] is { } email ? CaseInput.Email(RequestJson.Text(email, "applicantEmail")) : null,
            body["applicantPhone"] is { } phone ? CaseInput.Phone(RequestJson.Text(phone, "applicantPhone")) : null,
            CaseInput.Name(RequestJson.TextOrNull(body["childName"], "childName"), "childName"),
            body["childDateOfBirth"] is { } dob ? CaseInput.ChildDateOfBirth(RequestJson.Text(dob, "childDateOfBirth"), now) : null);
    }

    /// <summary>
    /// A JSON merge patch (RFC 7396) of the applicant and child fields: absent members stay, <c>null</c> clears an
    /// optional field, and the body's <c>version</c> is the optimistic-lock token rather than a field. Members that
    /// may not be patched are refused now; a bad value travels in the patch (<see cref="CasePatch.Refused"/>).
    /// </summary>
    public static (CasePatch Patch, int? Version) Patch(JsonObject body, DateTime now)
    {
        foreach (var (name, _) in body)
        {
            if (name is "status")
            {
                throw ProblemException.BadRequest(name, "'status' is changed with POST /api/cases/{id}/status, not PATCH.");
            }

            if (name is "id" or "caseNumber" or "ccdReference" or "courtCode" or "createdAt" or "createdBy" or "updatedAt" or "updatedBy" or "assignments")
            {
                throw ProblemException.BadRequest(name, $"'{name}' cannot be changed.");
            }
        }

        RequestJson.AllowOnly(body, PatchMembers);
        var patch = new CasePatch(default, default, default, default, default, Refused: null);
        try
        {
            foreach (var (name, node) in body)
            {
                patch = name switch
                {
                    "applicantName" => patch with { ApplicantName = Change<string>.To(Required(node, name)) },
                    "childName" => patch with { ChildName = Change<string>.To(Required(node, name)) },
                    "applicantEmail" => patch with { ApplicantEmail = Change<string?>.To(node is null ? null : CaseInput.Email(RequestJson.Text(node, name))) },
                    "applicantPhone" => patch with { ApplicantPhone = Change<string?>.To(node is null ? null : CaseInput.Phone(RequestJson.Text(node, name))) },
                    "childDateOfBirth" => patch with
                    {
                        ChildDateOfBirth = Change<DateOnly?>.To(node is null ? null : CaseInput.ChildDateOfBirth(RequestJson.Text(node, name), now)),
                    },
                    _ => patch,
                };
            }
        }
        catch (ProblemException refused)
        {
            patch = patch with { Refused = refused };
        }

        return (patch, RequestJson.Version(body));
    }

    private static string Required(JsonNode? node, string name) =>
        node is null
            ? throw ProblemException.BadRequest(name, $"'{name}' is required and cannot be cleared.")
            : RequestJson.StringValue(node, name, CaseInput.NameMax);
}
