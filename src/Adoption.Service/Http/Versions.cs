using System.Globalization;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Http;

namespace Adoption.Service.Http;

/// <summary>
/// Optimistic locking on the REST API: the version travels as a strong ETag (<c>"7"</c>) and comes back in
/// <c>If-Match</c>, or in the body's (or query's) <c>version</c>. Both given and different is a client bug: 400.
/// </summary>
internal static class Versions
{
    public static string ETag(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void SetETag(HttpResponse response, int version) => response.Headers.ETag = ETag(version);

    /// <summary>The expected version of an update, or a problem: 400 when malformed or contradictory, 428 when absent.</summary>
    public static int Expected(HttpRequest request, int? fromBody, string bodyField)
    {
        var fromHeader = IfMatch(request);
        if (fromHeader is not null && fromBody is not null && fromHeader != fromBody)
        {
            throw ProblemException.BadRequest(bodyField,
                $"If-Match ({ETag(fromHeader.Value)}) and '{bodyField}' ({fromBody}) name different versions; send one, or the same in both.");
        }

        return fromHeader ?? fromBody ?? throw new ProblemException(428, "precondition-required", "The version is required.",
            $"Send the version you last read, as If-Match: \"<version>\" or as '{bodyField}'.");
    }

    private static int? IfMatch(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return null;
        }

        var text = values.Count == 1 ? values[0]!.Trim() : string.Empty;
        if (text.Length >= 3 && text[0] == '"' && text[^1] == '"'
            && int.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1)
        {
            return version;
        }

        throw ProblemException.BadRequest("If-Match", "If-Match must be one strong ETag of this API, such as \"7\" (weak ETags and * are not accepted).");
    }
}
