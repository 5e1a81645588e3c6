using System.Globalization;
using System.Text.Json;

namespace Ccd.Runtime.Wire;

/// <summary>How the persistence API writes dates and enums: ISO-8601 without offset, UTC, to the millisecond.</summary>
internal static class WireFormat
{
    public const string DateTimePattern = "yyyy-MM-dd'T'HH:mm:ss.fff";

    public static string DateTime(DateTime value) => value.ToString(DateTimePattern, CultureInfo.InvariantCulture);

    public static void WriteDateTime(Utf8JsonWriter writer, string name, DateTime value) => writer.WriteString(name, DateTime(value));
}
