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
        WriteHead(writer, stored.Reference, stored.Jurisdiction, stored.CaseTypeId, stored.State, stored.Version, stored.Classification);
        writer.WritePropertyName("case_data");
        caseData.WriteTo(writer);
        writer.WritePropertyName("data_classification");
        stored.DataClassification.WriteTo(writer);
        writer.WritePropertyName("supplementary_data");
        stored.SupplementaryData.WriteTo(writer);
        WriteTail(writer, stored.CreatedDate, stored.LastModified, stored.LastStateModifiedDate);
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

    /// <summary>A read's case details with the stored JSON as it is (the case data of a case type that shows its blob).</summary>
    public static void Write(Utf8JsonWriter writer, StoredCaseText stored)
    {
        WriteHead(writer, stored.Reference, stored.Jurisdiction, stored.CaseTypeId, stored.State, stored.Version, stored.Classification);
        // jsonb text from PostgreSQL is valid JSON with unique keys: written as it is, never re-parsed.
        writer.WritePropertyName("case_data");
        writer.WriteRawValue(stored.Data, skipInputValidation: true);
        writer.WritePropertyName("data_classification");
        writer.WriteRawValue(stored.DataClassification, skipInputValidation: true);
        writer.WritePropertyName("supplementary_data");
        writer.WriteRawValue(stored.SupplementaryData, skipInputValidation: true);
        WriteTail(writer, stored.CreatedDate, stored.LastModified, stored.LastStateModifiedDate);
        writer.WriteEndObject();
    }

    private static void WriteHead(Utf8JsonWriter writer, long reference, string jurisdiction, string caseTypeId, string state, int version, CaseSecurityClassification classification)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", reference);
        writer.WriteString("jurisdiction", jurisdiction);
        writer.WriteString("case_type_id", caseTypeId);
        writer.WriteString("state", state);
        writer.WriteNumber("version", version);
        writer.WriteString("security_classification", ClassificationText.Format(classification));
    }

    private static void WriteTail(Utf8JsonWriter writer, DateTime created, DateTime lastModified, DateTime lastStateModified)
    {
        WireFormat.WriteDateTime(writer, "created_date", created);
        WireFormat.WriteDateTime(writer, "last_modified", lastModified);
        WireFormat.WriteDateTime(writer, "last_state_modified_date", lastStateModified);
    }
}
