using System.Security.Cryptography;
using System.Text;

/// <summary>A document's SHA-256, so that two stages' documents can be compared without keeping either's text.</summary>
internal static class DocumentDigest
{
    public static string Of(string? document) => document is null ? "" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(document)));
}
