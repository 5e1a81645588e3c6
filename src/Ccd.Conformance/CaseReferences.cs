namespace Ccd.Conformance;

/// <summary>New 16-digit CCD case references with a valid Luhn check digit (CCD's UID service makes the same shape).</summary>
internal static class CaseReferences
{
    public static long Mint()
    {
        var digits = new int[16];
        digits[0] = Random.Shared.Next(1, 10);
        for (var i = 1; i < 15; i++)
        {
            digits[i] = Random.Shared.Next(0, 10);
        }

        var sum = 0;
        for (var i = 14; i >= 0; i--)
        {
            var d = digits[i];
            if ((14 - i) % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        digits[15] = (10 - (sum % 10)) % 10;
        return digits.Aggregate(0L, (value, digit) => (value * 10) + digit);
    }
}
