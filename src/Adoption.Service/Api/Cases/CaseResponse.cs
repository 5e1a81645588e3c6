using System.Globalization;
using System.Text.Json.Serialization;
using Adoption.Service.CaseWrites;
using Ccd.Runtime.Database;

namespace Adoption.Service.Api.Cases;

/// <summary>A case in the REST API's JSON.</summary>
internal sealed record CaseResponse(
    Guid Id,
    string CaseNumber,
    string CcdReference,
    string CourtCode,
    string Status,
    string ApplicantName,
    string? ApplicantEmail,
    string? ApplicantPhone,
    string ChildName,
    DateOnly? ChildDateOfBirth,
    DateOnly? HearingDate,
    int Version,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<AssignmentView>? Assignments)
{
    public static CaseResponse From(CaseRecord record, IReadOnlyList<AssignmentView>? assignments = null) => new(
        record.Id, record.CaseNumber, record.CcdReference.ToString(CultureInfo.InvariantCulture), record.CourtCode, record.Status.ToString(),
        record.ApplicantName, record.ApplicantEmail, record.ApplicantPhone, record.ChildName, record.ChildDateOfBirth, record.HearingDate, record.Version,
        DatabaseClock.AsUtc(record.CreatedAt), record.CreatedBy, DatabaseClock.AsUtc(record.UpdatedAt), record.UpdatedBy, assignments);
}
