using System.Text.Json.Nodes;
using Adoption.Service.Http;
using Ccd.Runtime.Problems;

namespace Adoption.Service.Documents;

/// <summary>Validation of document members, each error naming its field.</summary>
internal static class DocumentInput
{
    public const long MaxSizeBytes = 1L << 40;

    public static string FileName(JsonNode? node)
    {
        var value = node is null ? throw ProblemException.BadRequest("fileName", "'fileName' is required.") : RequestJson.StringValue(node, "fileName", 255);
        return value.IndexOfAny(['/', '\\', '\0']) >= 0
            ? throw ProblemException.BadRequest("fileName", "'fileName' must be a file name without folders.")
            : value;
    }

    public static string ContentType(JsonNode? node)
    {
        var value = node is null ? throw ProblemException.BadRequest("contentType", "'contentType' is required.") : RequestJson.StringValue(node, "contentType", 127).ToLowerInvariant();
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var valid = slash > 0 && slash < value.Length - 1 && value.IndexOf('/', slash + 1) < 0
            && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '/' or '.' or '+' or '-');
        return valid ? value : throw ProblemException.BadRequest("contentType", "'contentType' must be a media type such as application/pdf.");
    }

    public static long Size(JsonNode? node) =>
        node is null
            ? throw ProblemException.BadRequest("sizeBytes", "'sizeBytes' is required.")
            : RequestJson.LongValue(node, "sizeBytes", 0, MaxSizeBytes);

    public static string Sha256(JsonNode node)
    {
        var value = RequestJson.StringValue(node, "sha256", 64);
        return value.Length == 64 && value.All(char.IsAsciiHexDigitLower)
            ? value
            : throw ProblemException.BadRequest("sha256", "'sha256' must be 64 lower-case hexadecimal digits.");
    }

    public static string StorageRef(JsonNode node) => RequestJson.StringValue(node, "storageRef", 1024);

    public static string OneOf(JsonNode? node, string name, string[] allowed)
    {
        var value = node is null ? throw ProblemException.BadRequest(name, $"'{name}' cannot be cleared.") : RequestJson.StringValue(node, name, 16);
        return allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw ProblemException.BadRequest(name, $"'{name}' must be one of {string.Join(", ", allowed)}.");
    }
}
