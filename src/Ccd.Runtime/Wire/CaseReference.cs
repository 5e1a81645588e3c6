using System.Globalization;
using System.Security.Cryptography;
using Ccd.Runtime.Problems;

namespace Ccd.Runtime.Wire;

/// <summary>CCD case references: exactly 16 digits (no leading zero) whose last digit is a Luhn check digit, as CCD generates them.</summary>
internal static class CaseReference
{
    private const long Smallest = 1_000_000_000_000_000;
    private const long Largest = 9_999_999_999_999_999;

    /// <summary>True when <paramref name="reference"/> has 16 digits and a valid Luhn check digit.</summary>
    public static bool IsValid(long reference) =>
        reference is >= Smallest and <= Largest && CheckDigit(reference / 10) == reference % 10;

    /// <summary>Parses a reference from a path, query or body value.</summary>
    /// <exception cref="ProblemException">400 naming <paramref name="field"/> when the value is not a valid reference.</exception>
    public static long Parse(string? value, string field)
    {
        var text = value?.Trim();
        if (text is { Length: 16 } && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var reference) && IsValid(reference))
        {
            return reference;
        }

        throw Invalid(field, value);
    }

    /// <summary>Checks a reference that arrived as a JSON number.</summary>
    /// <exception cref="ProblemException">400 naming <paramref name="field"/>.</exception>
    public static long Require(long? reference, string field) =>
        reference is { } value && IsValid(value) ? value : throw Invalid(field, reference?.ToString(CultureInfo.InvariantCulture));

    /// <summary>A random valid reference, for cases the service creates itself.</summary>
    public static long Mint()
    {
        // 15 random payload digits, the first non-zero, drawn in parts because the generator draws 32-bit ranges.
        var body = (RandomNumberGenerator.GetInt32(1, 10) * 100_000_000_000_000L)
            + (RandomNumberGenerator.GetInt32(0, 10_000_000) * 10_000_000L)
            + RandomNumberGenerator.GetInt32(0, 10_000_000);
        return (body * 10) + CheckDigit(body);
    }

    private static ProblemException Invalid(string field, string? value) =>
        ProblemException.BadRequest(field, $"{field} must be a 16-digit CCD case reference with a valid check digit; '{value}' is not.");

    // Luhn: double every second digit from the right of the payload (the check digit's neighbour first).
    private static long CheckDigit(long payload)
    {
        var sum = 0L;
        var doubleIt = true;
        for (var rest = payload; rest > 0; rest /= 10)
        {
            var digit = rest % 10;
            if (doubleIt)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            doubleIt = !doubleIt;
        }

        return (10 - (sum % 10)) % 10;
    }
}
