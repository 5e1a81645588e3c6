using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ccd.Runtime.Wire;

/// <summary>CCD's callback request body as it arrives; unknown fields (CCD sends many) are ignored.</summary>
internal sealed class CallbackRequestBody
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public CallbackCaseBody? CaseDetails { get; set; }

    public CallbackCaseBody? CaseDetailsBefore { get; set; }

    public string? EventId { get; set; }

    public bool IgnoreWarning { get; set; }
}

/// <summary>One <c>case_details</c> object as it arrives.</summary>
internal sealed class CallbackCaseBody
{
    public long? Id { get; set; }

    public string? Jurisdiction { get; set; }

    public string? CaseTypeId { get; set; }

    public string? State { get; set; }

    public JsonObject? CaseData { get; set; }
}
