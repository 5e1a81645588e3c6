using System.Text.Json;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Http;

namespace Ccd.Runtime.Persistence;

/// <summary>
/// Reads request bodies strictly and turns anything unusable into a 400 naming where it broke. The whole body is
/// checked in one pass before anything reads it: no duplicate keys at any depth (<c>JsonObject</c> values such as
/// <c>case_data</c> would otherwise only fail when first enumerated, as a 500), valid UTF-8 and no lone surrogates
/// (the parsers would otherwise fail late or silently substitute U+FFFD), and no U+0000, which PostgreSQL cannot
/// store in <c>jsonb</c> or <c>text</c>.
/// </summary>
internal static class RequestJson
{
    /// <summary>The deepest nesting accepted, as the serializer's default.</summary>
    public const int MaxDepth = 64;

    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        var body = await ReadCheckedAsync(request, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<T>(body.Span, options)
                ?? throw ProblemException.BadRequest("body", "The request body must be a JSON object.");
        }
        catch (ArgumentException exception)
        {
            // A repeated key inside case data surfaces from JsonObject as ArgumentException ("same key").
            throw ProblemException.BadRequest("body", $"The request body repeats a key: {exception.Message}");
        }
        catch (JsonException exception)
        {
            var path = string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "body" : exception.Path.TrimStart('$', '.');
            throw ProblemException.BadRequest(path, $"The request body is not valid at {exception.Path ?? "$"}: {exception.Message}");
        }
    }

    /// <summary>The body's bytes, checked as described on the class (the body size is bounded by <c>Ccd:MaxRequestBodyBytes</c>).</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadCheckedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        Check(body.Span);
        return body;
    }

    private static void Check(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var names = new Stack<HashSet<string>>();
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
                        var name = Text(ref reader);
                        if (!names.Peek().Add(name))
                        {
                            throw ProblemException.BadRequest("body", $"The request body has the key '{name}' twice in one object (at byte {reader.TokenStartIndex}).");
                        }

                        break;
                    case JsonTokenType.String:
                        Text(ref reader);
                        break;
                }
            }
        }
        catch (JsonException exception)
        {
            throw ProblemException.BadRequest("body", $"The request body is not valid JSON: {exception.Message}");
        }
    }

    private static string Text(ref Utf8JsonReader reader)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw ProblemException.BadRequest("body", $"The request body has a string that is not valid UTF-8 or holds a lone surrogate (at byte {reader.TokenStartIndex}).");
        }

        return text.Contains('\0', StringComparison.Ordinal)
            ? throw ProblemException.BadRequest("body", $"The request body has a string holding U+0000, which cannot be stored (at byte {reader.TokenStartIndex}).")
            : text;
    }
}
