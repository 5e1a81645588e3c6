using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Ccd.Bench.Limit;

/// <summary>What the limit's answers share: CCD's date-time format, and a row of <c>ccd.case_data</c> as CCD's case details.</summary>
internal static class CcdJson
{
    /// <summary>The columns of <c>ccd.case_data</c> the service reads (src/Ccd.Runtime/Store/StoredCase.cs), in its order.</summary>
    public const string CaseColumns = $"{ColumnsBeforeData}, data::text, {ColumnsAfterData}";

    /// <summary><see cref="CaseColumns"/> with a null in place of the data, for an answer that writes the data it was sent.</summary>
    public const string CaseColumnsWithoutData = $"{ColumnsBeforeData}, NULL::text, {ColumnsAfterData}";

    private const string ColumnsBeforeData = "reference, id, jurisdiction, case_type_id, state";

    private const string ColumnsAfterData = """
        data_classification::text, supplementary_data::text, security_classification::text, version, revision, resolved_ttl,
        created_date, last_modified, last_state_modified_date, removed_at IS NOT NULL
        """;

    public static void WriteDateTime(Utf8JsonWriter writer, string name, DateTime value) =>
        writer.WriteString(name, value.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture));

    /// <summary>A row read with <see cref="CaseColumns"/> as <c>{"case_details": {...}, "revision": n}</c>, the stored JSON written as it is.</summary>
    public static void WriteCase(Utf8JsonWriter writer, NpgsqlDataReader row)
    {
        writer.WriteStartObject();
        WriteCaseMembers(writer, row, row.GetString(5));
        writer.WriteEndObject();
    }

    /// <summary>The members <c>case_details</c> and <c>revision</c> of a row read with <see cref="CaseColumns"/>, with <paramref name="data"/> as its case data.</summary>
    public static void WriteCaseMembers(Utf8JsonWriter writer, NpgsqlDataReader row, string data)
    {
        writer.WritePropertyName("case_details");
        writer.WriteStartObject();
        writer.WriteNumber("id", row.GetInt64(0));
        writer.WriteString("jurisdiction", row.GetString(2));
        writer.WriteString("case_type_id", row.GetString(3));
        writer.WriteString("state", row.GetString(4));
        writer.WriteNumber("version", row.GetInt32(9));
        writer.WriteString("security_classification", row.GetString(8));
        writer.WritePropertyName("case_data");
        writer.WriteRawValue(data, skipInputValidation: true);
        writer.WritePropertyName("data_classification");
        writer.WriteRawValue(row.GetString(6), skipInputValidation: true);
        writer.WritePropertyName("supplementary_data");
        writer.WriteRawValue(row.GetString(7), skipInputValidation: true);
        WriteDateTime(writer, "created_date", row.GetDateTime(12));
        WriteDateTime(writer, "last_modified", row.GetDateTime(13));
        WriteDateTime(writer, "last_state_modified_date", row.GetDateTime(14));
        writer.WriteEndObject();
        writer.WriteNumber("revision", row.GetInt32(10));
    }

    /// <summary>A text column as a string member, or null.</summary>
    public static void WriteText(Utf8JsonWriter writer, string name, NpgsqlDataReader row, int column)
    {
        if (row.IsDBNull(column))
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, row.GetString(column));
        }
    }

    /// <summary>Starts a JSON answer written straight to the response; the caller flushes and disposes it.</summary>
    public static Utf8JsonWriter Answer(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return new Utf8JsonWriter(context.Response.BodyWriter);
    }
}
