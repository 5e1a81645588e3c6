using System.Collections.Concurrent;
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

    // Case type id → index name; a service has a handful of case types.
    private static readonly ConcurrentDictionary<string, string> CaseIndexes = new(StringComparer.Ordinal);

    /// <summary>The case type's index: <c>&lt;case type lowercase&gt;_cases</c>.</summary>
    public static string CaseIndex(string caseTypeId) =>
        CaseIndexes.TryGetValue(caseTypeId, out var index) ? index : CaseIndexes.GetOrAdd(caseTypeId, caseTypeId.ToLowerInvariant() + "_cases");

    /// <summary>The document _id: CCD's internal id, or the reference for a service-originated case (SPEC 4.1; the two ranges never meet).</summary>
    public static long DocumentId(long? id, long reference) => id ?? reference;

    /// <summary>
    /// Adds the index items of the case document and, when the data has a top-level <c>SearchCriteria</c>, the global
    /// search document to <paramref name="request"/>, both at the case's revision. The stored JSON texts (UTF-8, as read)
    /// are written through as they are into the case document; only a global search document parses them, to keep its
    /// few fields.
    /// </summary>
    public static void Add(BulkRequest request, long reference, CaseRow row, HistoryRow history)
    {
        var id = DocumentId(row.Id, reference);
        var caseIndex = CaseIndex(row.CaseTypeId);
        request.BeginDocument(caseIndex, id, row.Revision);
        Write(request.Writer, reference, row, history, caseIndex, null);
        request.EndDocument();
        // The text test avoids parsing every case's data; the parse confirms it is a top-level field.
        if (history.Data.AsSpan().IndexOf("\"SearchCriteria\""u8) >= 0)
        {
            using var data = JsonDocument.Parse(history.Data);
            if (data.RootElement.ValueKind == JsonValueKind.Object && data.RootElement.TryGetProperty("SearchCriteria"u8, out _))
            {
                request.BeginDocument(GlobalSearchIndex, id, row.Revision);
                Write(request.Writer, reference, row, history, GlobalSearchIndex, data.RootElement);
                request.EndDocument();
            }
        }
    }

    /// <summary>Writes one document; <paramref name="globalData"/> is the parsed data for a global search document, null for the case document.</summary>
    private static void Write(Utf8JsonWriter writer, long reference, CaseRow row, HistoryRow history, string index, JsonElement? globalData)
    {
        var global = globalData is not null;
        writer.WriteStartObject();
        writer.WriteNumber("id"u8, DocumentId(row.Id, reference));
        writer.WriteNumber("reference"u8, reference);
        writer.WriteString("jurisdiction"u8, row.Jurisdiction);
        writer.WriteString("case_type_id"u8, row.CaseTypeId);
        writer.WriteString("index_id"u8, index);
        writer.WriteString("state"u8, row.State);
        writer.WriteString("security_classification"u8, row.SecurityClassification);
        if (!global)
        {
            WriteDate(writer, "created_date"u8, row.CreatedDate);
            WriteDate(writer, "last_modified"u8, row.LastModified);
            WriteDate(writer, "last_state_modified_date"u8, row.LastStateModifiedDate);
        }

        writer.WritePropertyName("supplementary_data"u8);
        if (global)
        {
            using var supplementary = JsonDocument.Parse(row.SupplementaryData);
            WriteKept(writer, supplementary.RootElement, GlobalSearchSupplementaryFields);
        }
        else
        {
            writer.WriteRawValue(row.SupplementaryData, skipInputValidation: true);
        }

        writer.WritePropertyName("data"u8);
        if (globalData is { } data)
        {
            WriteKept(writer, data, GlobalSearchDataFields);
        }
        else
        {
            writer.WriteRawValue(history.Data, skipInputValidation: true);
        }

        writer.WriteNumber("case_revision"u8, row.Revision);
        writer.WriteNumber("event_id"u8, history.EventRowId);
        writer.WriteEndObject();
    }

    private static void WriteKept(Utf8JsonWriter writer, JsonElement value, string[] keep)
    {
        writer.WriteStartObject();
        foreach (var property in value.EnumerateObject())
        {
            if (keep.Contains(property.Name, StringComparer.Ordinal))
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteDate(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTime value)
    {
        Span<byte> text = stackalloc byte[32];
        value.TryFormat(text, out var length, DateFormat, CultureInfo.InvariantCulture);
        writer.WriteString(name, text[..length]);
    }
}
