using System.Globalization;
using System.Text.Json;

namespace Ccd.Runtime.Wire;

/// <summary>How the persistence API writes dates and enums: ISO-8601 without offset, UTC, to the millisecond.</summary>
internal static class WireFormat
{
    public const string DateTimePattern = "yyyy-MM-dd'T'HH:mm:ss.fff";

    private const int DateTimeLength = 23;

    public static string DateTime(DateTime value) => value.ToString(DateTimePattern, CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="value"/> in <see cref="DateTimePattern"/>, its digits written straight as UTF-8: every case
    /// read writes three of these, and the pattern's general formatter cost more than the rest of the case's head.
    /// </summary>
    public static void WriteDateTime(Utf8JsonWriter writer, string name, DateTime value)
    {
        Span<byte> text = stackalloc byte[DateTimeLength];
        Digits(text[..4], value.Year);
        text[4] = (byte)'-';
        Digits(text.Slice(5, 2), value.Month);
        text[7] = (byte)'-';
        Digits(text.Slice(8, 2), value.Day);
        text[10] = (byte)'T';
        Digits(text.Slice(11, 2), value.Hour);
        text[13] = (byte)':';
        Digits(text.Slice(14, 2), value.Minute);
        text[16] = (byte)':';
        Digits(text.Slice(17, 2), value.Second);
        text[19] = (byte)'.';
        Digits(text.Slice(20, 3), value.Millisecond); // truncated, as "fff" is
        writer.WriteString(name, text);
    }

    private static void Digits(Span<byte> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
