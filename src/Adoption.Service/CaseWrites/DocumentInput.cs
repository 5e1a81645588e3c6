using Ccd.Runtime.Problems;

namespace Adoption.Service.CaseWrites;

/// <summary>Validation of document fields, each error naming its field; shared by the REST API and CCD's <c>addDocument</c>.</summary>
internal static class DocumentInput
{
    public const long MaxSizeBytes = 1L << 40;

    public static string FileName(string? text)
    {
        var value = FieldText.Required(text, "fileName", 255);
        return value.IndexOfAny(['/', '\\', '\0']) >= 0
            ? throw ProblemException.BadRequest("fileName", "'fileName' must be a file name without folders.")
            : value;
    }

    public static string ContentType(string? text)
    {
        var value = FieldText.Required(text, "contentType", 127).ToLowerInvariant();
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var valid = slash > 0 && slash < value.Length - 1 && value.IndexOf('/', slash + 1) < 0
            && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '/' or '.' or '+' or '-');
        return valid ? value : throw ProblemException.BadRequest("contentType", "'contentType' must be a media type such as application/pdf.");
    }

    public static long Size(long? value) =>
        value is { } size
            ? FieldText.InRange(size, "sizeBytes", 0, MaxSizeBytes)
            : throw ProblemException.BadRequest("sizeBytes", "'sizeBytes' is required.");

    public static string Sha256(string text)
    {
        var value = FieldText.Clean(text, "sha256", 64);
        return value.Length == 64 && value.All(char.IsAsciiHexDigitLower)
            ? value
            : throw ProblemException.BadRequest("sha256", "'sha256' must be 64 lower-case hexadecimal digits.");
    }

    public static string StorageRef(string text) => FieldText.Clean(text, "storageRef", 1024);

    public static string OneOf(string? text, string name, string[] allowed)
    {
        var value = text is null ? throw ProblemException.BadRequest(name, $"'{name}' cannot be cleared.") : FieldText.Clean(text, name, 16);
        return allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw ProblemException.BadRequest(name, $"'{name}' must be one of {string.Join(", ", allowed)}.");
    }
}
