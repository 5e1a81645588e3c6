using System.Globalization;

namespace Reliability.Tests.Support;

/// <summary>Case references for tests: valid ones (16 digits, Luhn check digit) and the wrong shapes around them.</summary>
internal static class Refs
{
    /// <summary>A valid reference whose 15-digit payload is <c>400000000000000 + seed</c>.</summary>
    public static long Valid(long seed) => WithCheckDigit(400_000_000_000_000 + seed);

    /// <summary>Appends the Luhn check digit to a payload.</summary>
    public static long WithCheckDigit(long payload) => (payload * 10) + CheckDigit(payload);

    /// <summary>The same reference with a wrong check digit.</summary>
    public static long LuhnInvalid(long valid) => (valid / 10 * 10) + ((valid % 10) + 1) % 10;

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static long CheckDigit(long payload)
    {
        var sum = 0L;
        var doubleIt = true;
        for (var rest = payload; rest > 0; rest /= 10)
        {
            var digit = rest % 10;
            if (doubleIt)
            {
                digit = digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
            }

            sum += digit;
            doubleIt = !doubleIt;
        }

        return (10 - (sum % 10)) % 10;
    }
}
