using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>Builds the search documents of a case exactly as SPEC 4.1 lists their fields.</summary>
internal static class CaseDocuments
{
    public const string GlobalSearchIndex = "global_search";

    // The only data and supplementary data fields global search keeps (CCD's global search mapping).
    private static readonly string[] GlobalSearchDataFields =
        ["SearchCriteria", "caseManagementLocation", "CaseAccessCategory", "caseNameHmctsInternal", "caseManagementCategory"];

    private static readonly string[] GlobalSearchSupplementaryFields = ["HMCTSServiceId"];

    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fff";

    /// <summary>The case type's index: <c>&lt;case type lowercase&gt;_cases</c>.</summary>
    public static string CaseIndex(string caseTypeId) => caseTypeId.ToLowerInvariant() + "_cases";

    /// <summary>The document _id: CCD's internal id, or the reference for a service-originated case (SPEC 4.1; the two ranges never meet).</summary>
    public static long DocumentId(long? id, long reference) => id ?? reference;

    /// <summary>The case document and, when the data has <c>SearchCriteria</c>, the global search document.</summary>
    public static (byte[] Case, byte[]? GlobalSearch) Build(long reference, CaseRow row, HistoryRow history)
    {
        var caseDocument = Write(reference, row, history, CaseIndex(row.CaseTypeId), global: false);
        byte[]? globalDocument = null;
        // The text test avoids parsing every case's data; the parse confirms it is a top-level field.
        if (history.Data.Contains("\"SearchCriteria\"", StringComparison.Ordinal) && HasTopLevel(history.Data, "SearchCriteria"))
        {
            globalDocument = Write(reference, row, history, GlobalSearchIndex, global: true);
        }

        return (caseDocument, globalDocument);
    }

    private static byte[] Write(long reference, CaseRow row, HistoryRow history, string index, bool global)
    {
        var buffer = new ArrayBufferWriter<byte>(history.Data.Length + 768);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", DocumentId(row.Id, reference));
            writer.WriteNumber("reference", reference);
            writer.WriteString("jurisdiction", row.Jurisdiction);
            writer.WriteString("case_type_id", row.CaseTypeId);
            writer.WriteString("index_id", index);
            writer.WriteString("state", row.State);
            writer.WriteString("security_classification", row.SecurityClassification);
            if (!global)
            {
                writer.WriteString("created_date", Date(row.CreatedDate));
                writer.WriteString("last_modified", Date(row.LastModified));
                writer.WriteString("last_state_modified_date", Date(row.LastStateModifiedDate));
            }

            writer.WritePropertyName("supplementary_data");
            WriteObject(writer, row.SupplementaryData, global ? GlobalSearchSupplementaryFields : null);
            writer.WritePropertyName("data");
            WriteObject(writer, history.Data, global ? GlobalSearchDataFields : null);
            writer.WriteNumber("case_revision", row.Revision);
            writer.WriteNumber("event_id", history.EventRowId);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteObject(Utf8JsonWriter writer, string json, string[]? keep)
    {
        if (keep is null)
        {
            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        using var document = JsonDocument.Parse(json);
        writer.WriteStartObject();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (keep.Contains(property.Name, StringComparer.Ordinal))
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static bool HasTopLevel(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out _);
    }

    private static string Date(DateTime value) => value.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>The _id as Elasticsearch receives it.</summary>
    public static string IdText(long id) => id.ToString(CultureInfo.InvariantCulture);
}
