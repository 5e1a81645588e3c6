using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ccd.Runtime.Problems;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// How case classes map to CCD's case data: camelCase field ids (or <c>[JsonPropertyName]</c>), nulls left out, and
/// CCD's field types as .NET types: <c>YesOrNo</c> as <see cref="bool"/>, <c>Date</c> as <see cref="DateOnly"/>,
/// <c>DateTime</c> as <see cref="DateTime"/> or <see cref="DateTimeOffset"/>, <c>MoneyGBP</c> as <see cref="MoneyGBP"/>
/// and collections as lists of <see cref="ListValue{T}"/>.
/// </summary>
internal static class CaseJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowDuplicateProperties = false,
        Converters =
        {
            new YesOrNoJsonConverter(),
            new CcdDateJsonConverter(),
            new CcdDateTimeJsonConverter(),
            new CcdDateTimeOffsetJsonConverter(),
        },
    };

    /// <summary>
    /// Reads case data CCD sent as <typeparamref name="TCase"/>; a value that does not fit its field is a 400 naming
    /// the field (<c>case_details.case_data.hasLawyer</c>) and what it should be.
    /// </summary>
    public static TCase Read<TCase>(JsonObject data, string where)
        where TCase : class
    {
        try
        {
            return data.Deserialize<TCase>(Options)
                ?? throw ProblemException.BadRequest(where, $"{where} is not a valid {typeof(TCase).Name}.");
        }
        catch (JsonException exception)
        {
            var field = FieldOf(where, exception.Path);
            throw ProblemException.BadRequest(field, $"{field}: {Reason(exception)}");
        }
    }

    /// <summary>The case class as case data, with the runtime's settings.</summary>
    public static JsonObject Write<TCase>(TCase value)
        where TCase : class =>
        JsonSerializer.SerializeToNode(value, Options) as JsonObject
        ?? throw new InvalidOperationException($"{typeof(TCase).Name} does not serialise to a JSON object.");

    /// <summary>The JSON name of <paramref name="member"/>: its <c>[JsonPropertyName]</c>, else camelCase.</summary>
    public static string FieldName(System.Reflection.MemberInfo member) =>
        member.GetCustomAttributes(typeof(JsonPropertyNameAttribute), inherit: true) is [JsonPropertyNameAttribute named, ..]
            ? named.Name
            : Options.PropertyNamingPolicy!.ConvertName(member.Name);

    /// <summary>The token the reader is on, as a converter's error shows it (text quoted, capped).</summary>
    public static string Shown(ref Utf8JsonReader reader)
    {
        var raw = reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : Encoding.UTF8.GetString(reader.ValueSpan);
        var shown = reader.TokenType == JsonTokenType.String ? $"\"{raw}\"" : reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? "an object or array" : raw;
        return shown.Length > 80 ? shown[..77] + "..." : shown;
    }

    // "$.children[0].value.born" under "case_details.case_data" is "case_details.case_data.children[0].value.born".
    private static string FieldOf(string where, string? path) =>
        path is null or "$" ? where : where + (path.StartsWith("$.", StringComparison.Ordinal) ? path[1..] : path.TrimStart('$'));

    // The runtime's converters say what the value should be; the serializer's own messages name the .NET type instead,
    // and carry the path, which the field already names.
    private static string Reason(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }
}
