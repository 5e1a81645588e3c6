using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Store;

namespace Ccd.Runtime.Wire;

/// <summary>Writes CCD's <c>CaseDetails</c> object (SPEC 2.1) with exactly its fields.</summary>
internal static class CaseDetailsJson
{
    /// <summary>The confirmation of a submit response; reads leave the three callback fields out.</summary>
    public sealed record Confirmation(string? Header, string? Body);

    public static void Write(Utf8JsonWriter writer, StoredCase stored, JsonObject caseData, Confirmation? confirmation)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", stored.Reference);
        writer.WriteString("jurisdiction", stored.Jurisdiction);
        writer.WriteString("case_type_id", stored.CaseTypeId);
        writer.WriteString("state", stored.State);
        writer.WriteNumber("version", stored.Version);
        writer.WriteString("security_classification", ClassificationText.Format(stored.Classification));
        writer.WritePropertyName("case_data");
        caseData.WriteTo(writer);
        writer.WritePropertyName("data_classification");
        stored.DataClassification.WriteTo(writer);
        writer.WritePropertyName("supplementary_data");
        stored.SupplementaryData.WriteTo(writer);
        WireFormat.WriteDateTime(writer, "created_date", stored.CreatedDate);
        WireFormat.WriteDateTime(writer, "last_modified", stored.LastModified);
        WireFormat.WriteDateTime(writer, "last_state_modified_date", stored.LastStateModifiedDate);
        if (confirmation is not null)
        {
            writer.WriteStartObject("after_submit_callback_response");
            writer.WriteString("confirmation_header", confirmation.Header);
            writer.WriteString("confirmation_body", confirmation.Body);
            writer.WriteEndObject();
            writer.WriteNumber("callback_response_status_code", 200);
            writer.WriteString("callback_response_status", "CALLBACK_COMPLETED");
        }

        writer.WriteEndObject();
    }
}
