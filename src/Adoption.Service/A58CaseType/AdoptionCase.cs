using System.Text.Json.Serialization;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// A58's case data as CCD sees it. The case view renders it from the adoption tables on every read; CCD's
/// proposed data arrives in the same shape, and the submit handlers take only the members their event changes.
/// </summary>
internal sealed class AdoptionCase
{
    public string? CaseNumber { get; set; }

    public string? CourtCode { get; set; }

    public string? CourtName { get; set; }

    public string? Status { get; set; }

    public string? ApplicantName { get; set; }

    public string? ApplicantEmail { get; set; }

    public string? ApplicantPhone { get; set; }

    public string? ChildName { get; set; }

    public DateOnly? ChildDateOfBirth { get; set; }

    /// <summary>The day of the listed hearing; set by <c>listHearing</c>.</summary>
    public DateOnly? HearingDate { get; set; }

    public List<ListValue<AdoptionAssignmentItem>>? Assignments { get; set; }

    public List<ListValue<AdoptionDocumentItem>>? Documents { get; set; }

    /// <summary>Markdown computed at read time; never stored.</summary>
    public string? CaseSummary { get; set; }

    /// <summary>CCD's retention TTL (see <see cref="CaseTtl"/>); the runtime keeps it, the view never renders it.</summary>
    [JsonPropertyName("TTL")]
    public CaseTtl? Ttl { get; set; }
}

internal sealed class AdoptionAssignmentItem
{
    public string? UserId { get; set; }

    public string? Role { get; set; }

    public DateOnly? AssignedOn { get; set; }
}

internal sealed class AdoptionDocumentItem
{
    public string? FileName { get; set; }

    public string? ContentType { get; set; }

    public long? SizeBytes { get; set; }

    // In the order the view has always rendered them.
    public string? UploadStatus { get; set; }

    public string? VirusScanStatus { get; set; }

    public string? OcrStatus { get; set; }

    public string? Sha256 { get; set; }

    public string? StorageRef { get; set; }
}
