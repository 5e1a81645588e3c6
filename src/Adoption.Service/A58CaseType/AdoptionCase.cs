using System.Text.Json.Serialization;

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

    public string? ChildDateOfBirth { get; set; }

    /// <summary>The day of the listed hearing (<c>yyyy-MM-dd</c>); set by <c>listHearing</c>.</summary>
    public string? HearingDate { get; set; }

    public List<CcdCollectionItem<AdoptionAssignmentItem>>? Assignments { get; set; }

    public List<CcdCollectionItem<AdoptionDocumentItem>>? Documents { get; set; }

    /// <summary>Markdown computed at read time; never stored.</summary>
    public string? CaseSummary { get; set; }

    /// <summary>CCD's retention TTL (see <see cref="CaseTtl"/>); the runtime keeps it, the view never renders it.</summary>
    [JsonPropertyName("TTL")]
    public CaseTtl? Ttl { get; set; }
}

/// <summary>An item of a CCD collection: <c>{"id": ..., "value": {...}}</c>.</summary>
internal sealed class CcdCollectionItem<T>
    where T : class
{
    public string? Id { get; set; }

    public T? Value { get; set; }
}

internal sealed class AdoptionAssignmentItem
{
    public string? UserId { get; set; }

    public string? Role { get; set; }

    public string? AssignedOn { get; set; }
}

internal sealed class AdoptionDocumentItem
{
    public string? FileName { get; set; }

    public string? ContentType { get; set; }

    public long? SizeBytes { get; set; }

    public string? Sha256 { get; set; }

    public string? StorageRef { get; set; }

    public string? UploadStatus { get; set; }

    public string? VirusScanStatus { get; set; }

    public string? OcrStatus { get; set; }
}
