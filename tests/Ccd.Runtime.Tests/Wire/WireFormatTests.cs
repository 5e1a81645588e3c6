using System.Globalization;
using System.Text;
using System.Text.Json;
using Ccd.Runtime.Wire;
using Xunit;

namespace Ccd.Runtime.Tests.Wire;

public sealed class WireFormatTests
{
    public static TheoryData<DateTime> Instants() =>
    [
        DateTime.MinValue,
        DateTime.MaxValue,
        new DateTime(999, 1, 2, 3, 4, 5, 6, DateTimeKind.Utc),
        new DateTime(2026, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc).AddTicks(9_999),
        new DateTime(2026, 2, 3, 4, 5, 6, DateTimeKind.Unspecified).AddTicks(4_321),
        new DateTime(2000, 10, 10, 10, 10, 10, 10, DateTimeKind.Local),
    ];

    [Theory]
    [MemberData(nameof(Instants))]
    public void a_written_date_time_is_the_pattern_formatted_value(DateTime value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WireFormat.WriteDateTime(writer, "at", value);
            writer.WriteEndObject();
        }

        var expected = value.ToString(WireFormat.DateTimePattern, CultureInfo.InvariantCulture);
        Assert.Equal($"{{\"at\":\"{expected}\"}}", Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(expected, WireFormat.DateTime(value));
    }

    [Fact]
    public void every_millisecond_of_a_second_is_written_as_the_pattern_writes_it()
    {
        var start = new DateTime(2026, 12, 3, 9, 8, 7, DateTimeKind.Utc);
        for (var ms = 0; ms < 1000; ms++)
        {
            var value = start.AddMilliseconds(ms).AddTicks(ms * 7 % 10_000);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                WireFormat.WriteDateTime(writer, "at", value);
                writer.WriteEndObject();
            }

            Assert.Equal($"{{\"at\":\"{value.ToString(WireFormat.DateTimePattern, CultureInfo.InvariantCulture)}\"}}", Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }
}
