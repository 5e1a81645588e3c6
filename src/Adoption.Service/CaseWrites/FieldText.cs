using System.Globalization;
using Ccd.Runtime.Problems;

namespace Adoption.Service.CaseWrites;

/// <summary>
/// The rules every written value follows, whether it came as a JSON member of the REST API or as a field of a CCD
/// event: each refusal is a 400 naming the field.
/// </summary>
internal static class FieldText
{
    /// <summary>The trimmed text; blank text is refused (send <c>null</c> to clear an optional field).</summary>
    public static string Clean(string text, string name, int maxLength)
    {
        var value = text.Trim();
        if (value.Length == 0)
        {
            throw ProblemException.BadRequest(name, $"'{name}' must not be blank.");
        }

        // Counted in characters (code points), as PostgreSQL's varchar(n) counts them: an emoji is one, not two UTF-16 units.
        if (value.Length > maxLength && value.EnumerateRunes().Count() > maxLength)
        {
            throw ProblemException.BadRequest(name, $"'{name}' is longer than {maxLength} characters.");
        }

        return value;
    }

    /// <summary>Required text: absent (or <c>null</c>) is refused.</summary>
    public static string Required(string? text, string name, int maxLength) =>
        text is null ? throw ProblemException.BadRequest(name, $"'{name}' is required.") : Clean(text, name, maxLength);

    public static DateOnly Date(string text, string name)
    {
        var value = Clean(text, name, 10);
        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw ProblemException.BadRequest(name, $"'{name}' must be a date written yyyy-MM-dd.");
    }

    public static long InRange(long value, string name, long min, long max) =>
        value < min || value > max ? throw ProblemException.BadRequest(name, $"'{name}' must be between {min} and {max}.") : value;
}
