using System.Security.Cryptography;

namespace Adoption.Service.CaseNumbers;

/// <summary>
/// 16-digit CCD case references with a Luhn check digit. The service mints one for every case created through
/// its own API (SPEC 5, service-originated cases): random, so nothing can be inferred from it.
/// </summary>
internal static class CcdReference
{
    /// <summary>A random reference: a non-zero first digit, 14 random digits, and the Luhn check digit.</summary>
    public static long Mint()
    {
        Span<int> digits = stackalloc int[15];
        digits[0] = RandomNumberGenerator.GetInt32(1, 10);
        for (var i = 1; i < digits.Length; i++)
        {
            digits[i] = RandomNumberGenerator.GetInt32(0, 10);
        }

        long value = 0;
        foreach (var digit in digits)
        {
            value = (value * 10) + digit;
        }

        return (value * 10) + CheckDigit(value);
    }

    /// <summary>True for a 16-digit number whose last digit is its Luhn check digit.</summary>
    public static bool IsValid(long reference) =>
        reference is >= 1_000_000_000_000_000 and <= 9_999_999_999_999_999 && CheckDigit(reference / 10) == reference % 10;

    private static long CheckDigit(long payload)
    {
        // Luhn: double every second digit from the right of the payload (the check digit's neighbour first).
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
