using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ccd.Runtime.Writing;

/// <summary>The body of <c>POST /ccd-persistence/cases</c> (SPEC 2.3). Unknown fields are ignored; dates CCD sends are not needed and not read.</summary>
internal sealed class SubmitRequest
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public CaseDetailsInput? CaseDetailsBefore { get; set; }

    public CaseDetailsInput? CaseDetails { get; set; }

    public EventDetailsInput? EventDetails { get; set; }

    public DateOnly? ResolvedTtl { get; set; }

    public long? InternalCaseId { get; set; }

    public long? StartRevision { get; set; }

    public long? MergeRevision { get; set; }
}

/// <summary>The parts of CCD's <c>CaseDetails</c> the submission uses.</summary>
internal sealed class CaseDetailsInput
{
    public long? Id { get; set; }

    public string? Jurisdiction { get; set; }

    public string? CaseTypeId { get; set; }

    public string? State { get; set; }

    public int? Version { get; set; }

    public string? SecurityClassification { get; set; }

    public JsonObject? CaseData { get; set; }

    public JsonObject? SupplementaryData { get; set; }
}

/// <summary>CCD's <c>event_details</c>.</summary>
internal sealed class EventDetailsInput
{
    public string? CaseType { get; set; }

    public string? EventId { get; set; }

    public string? EventName { get; set; }

    public string? Summary { get; set; }

    public string? Description { get; set; }

    public string? ProxiedBy { get; set; }

    public string? ProxiedByFirstName { get; set; }

    public string? ProxiedByLastName { get; set; }
}
