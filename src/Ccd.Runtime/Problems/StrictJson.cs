using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace Ccd.Runtime.Problems;

/// <summary>
/// Reads a JSON request body strictly, before anything parses it, and answers what would otherwise fail late as a
/// 500 with a 400 <see cref="ProblemException"/>: a key twice in one object (<c>JsonObject</c> throws only when first
/// enumerated), invalid UTF-8 and lone surrogates (the parsers would fail late or silently substitute U+FFFD), U+0000
/// (which PostgreSQL cannot store in <c>jsonb</c> or <c>text</c>), and nesting deeper than <see cref="MaxDepth"/>.
/// </summary>
internal static class StrictJson
{
    /// <summary>The deepest nesting accepted, the serializer's default.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Buffers the request body (bounded by <c>Ccd:MaxRequestBodyBytes</c>) and checks it, so that the check and the
    /// parse that follows read the same bytes.
    /// </summary>
    /// <param name="request">The request whose body is read.</param>
    /// <param name="nameMember">
    /// True to name the body's top-level member at fault as the problem's field (an API whose errors name the field);
    /// false to name the body and the byte offset.
    /// </param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The body's bytes, checked.</returns>
    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, bool nameMember, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        Check(body.Span, nameMember);
        return body;
    }

    /// <summary>Checks a JSON document in one pass; throws a 400 <see cref="ProblemException"/> at the first fault.</summary>
    /// <param name="json">The document's UTF-8 bytes.</param>
    /// <param name="nameMember">As for <see cref="ReadBodyAsync"/>.</param>
    public static void Check(ReadOnlySpan<byte> json, bool nameMember)
    {
        var faults = new Faults(nameMember);
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
                        var name = Text(ref reader, member, faults);
                        if (reader.CurrentDepth == 1)
                        {
                            member = name;
                        }

                        if (!names.Peek().Add(name))
                        {
                            throw faults.RepeatedKey(name, reader.TokenStartIndex);
                        }

                        break;
                    case JsonTokenType.String:
                        CheckValue(ref reader, member, faults);
                        break;
                }
            }
        }
        catch (JsonException exception)
        {
            throw faults.NotJson(exception);
        }
    }

    // A string value is only checked, never kept: an unescaped one (nearly all) is checked on its bytes, without
    // decoding it into a string; an escaped one is decoded, since an escape may spell a lone surrogate or U+0000.
    private static void CheckValue(ref Utf8JsonReader reader, string member, Faults faults)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            Text(ref reader, member, faults);
            return;
        }

        var value = reader.ValueSpan;
        if (!Utf8.IsValid(value))
        {
            throw faults.NotUnicode(member, reader.TokenStartIndex);
        }

        if (value.Contains((byte)0))
        {
            throw faults.HoldsNul(member, reader.TokenStartIndex);
        }
    }

    private static string Text(ref Utf8JsonReader reader, string member, Faults faults)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw faults.NotUnicode(member, reader.TokenStartIndex);
        }

        return text.Contains('\0', StringComparison.Ordinal) ? throw faults.HoldsNul(member, reader.TokenStartIndex) : text;
    }

    /// <summary>The problems of each fault, naming the top-level member or the body and the byte offset.</summary>
    private readonly record struct Faults(bool NameMember)
    {
        public ProblemException RepeatedKey(string name, long at) => NameMember
            ? ProblemException.BadRequest(name, $"'{name}' appears twice in one object of the body.")
            : ProblemException.BadRequest("body", $"The request body has the key '{name}' twice in one object (at byte {at}).");

        public ProblemException NotUnicode(string member, long at) => NameMember
            ? ProblemException.BadRequest(member, $"'{member}' holds text that is not valid UTF-8 or has a lone surrogate.")
            : ProblemException.BadRequest("body", $"The request body has a string that is not valid UTF-8 or holds a lone surrogate (at byte {at}).");

        public ProblemException HoldsNul(string member, long at) => NameMember
            ? ProblemException.BadRequest(member, $"'{member}' holds the character U+0000, which cannot be stored.")
            : ProblemException.BadRequest("body", $"The request body has a string holding U+0000, which cannot be stored (at byte {at}).");

        public ProblemException NotJson(JsonException exception) => NameMember
            ? ProblemException.BadRequest("body", $"The body is not valid JSON: {exception.Message}")
            : ProblemException.BadRequest("body", $"The request body is not valid JSON: {exception.Message}");
    }
}
