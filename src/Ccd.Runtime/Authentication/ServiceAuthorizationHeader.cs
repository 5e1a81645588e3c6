using Microsoft.Extensions.Primitives;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// Reads the <c>ServiceAuthorization</c> header the way CCD sends it: the token with or without a <c>Bearer </c>
/// prefix in any letter case, and possibly the header twice (CCD's Feign clients add it in two interceptors).
/// Copies of one value count as one; two different values are refused, since which one to trust is unknowable.
/// </summary>
internal static class ServiceAuthorizationHeader
{
    public static (string? Token, string? Failure) Read(StringValues values)
    {
        if (values.Count == 1 && !(values[0] ?? string.Empty).Contains(','))
        {
            // The usual header, sent once: what the general case below answers for it, without its sequence.
            var token = Normalise(values[0] ?? string.Empty);
            return token.Length > 0 ? (token, null) : (null, "The ServiceAuthorization header is empty.");
        }

        var tokens = values
            .SelectMany(value => (value ?? string.Empty).Split(',')) // a proxy may fold repeated headers into one; JWTs hold no comma
            .Select(Normalise)
            .Where(token => token.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return tokens.Count switch
        {
            0 when values.Count == 0 => (null, null),
            0 => (null, "The ServiceAuthorization header is empty."),
            1 => (tokens[0], null),
            _ => (null, "The ServiceAuthorization header carries two different tokens."),
        };
    }

    /// <summary>
    /// The token of the usual header (one value, no comma) as <see cref="Read"/> finds it, without copying it; empty
    /// for any other header, which only <see cref="Read"/> answers.
    /// </summary>
    public static ReadOnlySpan<char> Usual(StringValues values) =>
        values.Count == 1 && values[0] is { } value && !value.Contains(',') ? WithoutPrefix(value.AsSpan()) : [];

    private static string Normalise(string value) => WithoutPrefix(value.AsSpan()).ToString();

    private static ReadOnlySpan<char> WithoutPrefix(ReadOnlySpan<char> value)
    {
        var trimmed = value.Trim();
        return trimmed.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? trimmed["Bearer ".Length..].Trim() : trimmed;
    }
}
