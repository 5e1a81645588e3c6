using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Ccd.Runtime.CentralCcd;

/// <summary>
/// The S2S provider's one-time password: RFC 6238 TOTP over a base32 secret, HMAC-SHA1, 30-second steps, six
/// digits (what HMCTS's service-auth-provider client computes for <c>/lease</c>).
/// </summary>
internal static class OneTimePassword
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Compute(string base32Secret, DateTimeOffset at)
    {
        var key = DecodeBase32(base32Secret);
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, at.ToUnixTimeSeconds() / 30);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 6238's default, which the S2S provider expects: not used for integrity here
        HMACSHA1.HashData(key, counter, hash);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var code = (BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7FFFFFFF) % 1_000_000;
        return code.ToString("D6", CultureInfo.InvariantCulture);
    }

    public static bool IsBase32(string secret)
    {
        var trimmed = Normalise(secret);
        return trimmed.Length > 0 && trimmed.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
    }

    private static string Normalise(string secret) => secret.Replace(" ", "", StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();

    private static byte[] DecodeBase32(string secret)
    {
        var text = Normalise(secret);
        var bytes = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("The S2S secret is not base32.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[index++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }

        return bytes;
    }
}
