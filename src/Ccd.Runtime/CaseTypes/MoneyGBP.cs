using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// CCD's <c>MoneyGBP</c> field: an amount in pence, which CCD's case data holds as a string of digits
/// (<c>"12550"</c> is £125.50).
/// </summary>
/// <param name="Pence">The amount in pence.</param>
[JsonConverter(typeof(MoneyGbpJsonConverter))]
public readonly record struct MoneyGBP(long Pence)
{
    /// <summary>The amount in pounds (<c>125.50</c>).</summary>
    public decimal Pounds => Pence / 100m;

    /// <summary>The amount of <paramref name="pounds"/>, which must be a whole number of pence.</summary>
    /// <exception cref="ArgumentException">A fraction of a penny.</exception>
    public static MoneyGBP FromPounds(decimal pounds)
    {
        var pence = pounds * 100m;
        if (pence != decimal.Truncate(pence))
        {
            throw new ArgumentException($"£{pounds} is not a whole number of pence.", nameof(pounds));
        }

        return new MoneyGBP((long)pence);
    }

    /// <summary>The amount as people read it, such as <c>£125.50</c>.</summary>
    public override string ToString() => Pounds.ToString("£#,##0.00;-£#,##0.00", CultureInfo.InvariantCulture);
}

/// <summary>Reads and writes <see cref="MoneyGBP"/> as CCD does: pence as a string of digits (a JSON number is read too).</summary>
internal sealed class MoneyGbpJsonConverter : JsonConverter<MoneyGBP>
{
    public override MoneyGBP Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
        {
            return new MoneyGBP(number);
        }

        if (reader.TokenType == JsonTokenType.String
            && long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pence))
        {
            return new MoneyGBP(pence);
        }

        throw new JsonException($"{CaseJson.Shown(ref reader)} is not a MoneyGBP value (pence as a string of digits, such as \"12550\").");
    }

    public override void Write(Utf8JsonWriter writer, MoneyGBP value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Pence.ToString(CultureInfo.InvariantCulture));
}
