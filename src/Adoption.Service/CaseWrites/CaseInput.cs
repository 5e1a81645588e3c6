using Ccd.Runtime.Problems;

namespace Adoption.Service.CaseWrites;

/// <summary>The applicant and child fields a client writes, with their limits; shared by create and merge patch, REST and CCD.</summary>
internal static class CaseInput
{
    public const int NameMax = 200;
    public const int EmailMax = 254;
    public const int PhoneMax = 30;

    public static string Name(string? text, string name) => FieldText.Required(text, name, NameMax);

    public static string Email(string text)
    {
        var value = FieldText.Clean(text, "applicantEmail", EmailMax);
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1 || value.Any(char.IsWhiteSpace))
        {
            throw ProblemException.BadRequest("applicantEmail", "'applicantEmail' must be an email address such as name@example.org.");
        }

        return value;
    }

    public static string Phone(string text)
    {
        var value = FieldText.Clean(text, "applicantPhone", PhoneMax);
        if (!value.All(ch => char.IsAsciiDigit(ch) || ch is '+' or ' ' or '-' or '(' or ')'))
        {
            throw ProblemException.BadRequest("applicantPhone", "'applicantPhone' may hold only digits, spaces, '+', '-', '(' and ')'.");
        }

        return value;
    }

    public static DateOnly ChildDateOfBirth(string text, DateTime now) => ChildDateOfBirth(FieldText.Date(text, "childDateOfBirth"), now);

    public static DateOnly ChildDateOfBirth(DateOnly date, DateTime now)
    {
        if (date > DateOnly.FromDateTime(now))
        {
            throw ProblemException.BadRequest("childDateOfBirth", "'childDateOfBirth' must not be in the future.");
        }

        return date;
    }

    public static string CourtCode(string? text, string name)
    {
        var code = FieldText.Required(text, name, 8);
        return IsCourtCodeShaped(code)
            ? code
            : throw ProblemException.BadRequest(name, $"'{name}' must be a court code such as BFC (see GET /api/courts).");
    }

    public static bool IsCourtCodeShaped(string code) => code.Length is >= 2 and <= 8 && code.All(char.IsAsciiLetterUpper);

    public static ProblemException UnknownCourt(string name, string code) =>
        ProblemException.BadRequest(name, $"'{name}' names no known court: {code} (see GET /api/courts).");
}
