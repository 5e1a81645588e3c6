using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccd.Runtime.CaseTypes;

/// <summary>CCD's <c>YesOrNo</c> as a .NET <see cref="bool"/>: <c>"Yes"</c> / <c>"No"</c> (CCD's case data has no JSON booleans).</summary>
internal sealed class YesOrNoJsonConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            // CCD's own validator takes either value in any case.
            var text = reader.GetString();
            if (string.Equals(text, "Yes", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (string.Equals(text, "No", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        throw new JsonException($"{CaseJson.Shown(ref reader)} is not a YesOrNo value (\"Yes\" or \"No\").");
    }

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteStringValue(value ? "Yes" : "No");
}

/// <summary>CCD's <c>Date</c> as a <see cref="DateOnly"/>: <c>yyyy-MM-dd</c>.</summary>
internal sealed class CcdDateJsonConverter : JsonConverter<DateOnly>
{
    public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
        && DateOnly.TryParseExact(reader.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new JsonException($"{CaseJson.Shown(ref reader)} is not a Date (yyyy-MM-dd).");

    public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
}

/// <summary>
/// CCD's <c>DateTime</c>: an ISO local date-time without an offset, written in UTC to the millisecond
/// (<c>2026-12-02T10:15:30.000</c>, as CCD's UI writes it). Read: seconds and fraction optional, a trailing <c>Z</c>
/// or an offset converted to UTC; a value without one is taken as UTC.
/// </summary>
internal static class CcdDateTimeText
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff";

    private static readonly string[] Accepted =
        ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK"];

    public static DateTimeOffset Read(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String
        && DateTimeOffset.TryParseExact(reader.GetString(), Accepted, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new JsonException($"{CaseJson.Shown(ref reader)} is not a DateTime (yyyy-MM-ddTHH:mm:ss.fff).");

    public static void Write(Utf8JsonWriter writer, DateTimeOffset value) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}

/// <summary>CCD's <c>DateTime</c> as a <see cref="DateTime"/> (read as UTC, see <see cref="CcdDateTimeText"/>).</summary>
internal sealed class CcdDateTimeJsonConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => CcdDateTimeText.Read(ref reader).UtcDateTime;

    // A value of unspecified kind is taken as UTC, as the runtime's clock (DatabaseClock) hands it out.
    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        CcdDateTimeText.Write(writer, value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

/// <summary>CCD's <c>DateTime</c> as a <see cref="DateTimeOffset"/> (written in UTC, see <see cref="CcdDateTimeText"/>).</summary>
internal sealed class CcdDateTimeOffsetJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => CcdDateTimeText.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => CcdDateTimeText.Write(writer, value);
}
