using System.Text.Json;
using Ccd.Runtime.Problems;

namespace Adoption.Service.Http;

/// <summary>
/// One pass over a request body before it is parsed into nodes, refusing what would otherwise fail late as a 500:
/// a key twice in one object (<c>JsonObject</c> throws only when first enumerated), invalid UTF-8 and lone surrogates
/// (they fail when the string is read, or when Npgsql encodes it), and U+0000, which PostgreSQL cannot store. The
/// problem names the member at fault, as every other validation error of this API does.
/// </summary>
internal static class StrictJson
{
    /// <summary>The deepest nesting accepted, the serializer's default.</summary>
    public const int MaxDepth = 64;

    public static void Check(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var names = new Stack<HashSet<string>>();
        var member = "body";
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Text(ref reader, member);
                        if (reader.CurrentDepth == 1)
                        {
                            member = name;
                        }

                        if (!names.Peek().Add(name))
                        {
                            throw ProblemException.BadRequest(name, $"'{name}' appears twice in one object of the body.");
                        }

                        break;
                    case JsonTokenType.String:
                        Text(ref reader, member);
                        break;
                }
            }
        }
        catch (JsonException exception)
        {
            throw ProblemException.BadRequest("body", $"The body is not valid JSON: {exception.Message}");
        }
    }

    private static string Text(ref Utf8JsonReader reader, string member)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw ProblemException.BadRequest(member, $"'{member}' holds text that is not valid UTF-8 or has a lone surrogate.");
        }

        return text.Contains('\0', StringComparison.Ordinal)
            ? throw ProblemException.BadRequest(member, $"'{member}' holds the character U+0000, which cannot be stored.")
            : text;
    }
}
