using System.Text.Json;
using System.Text.Json.Nodes;
using Adoption.Service.CaseWrites;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Http;

namespace Adoption.Service.Http;

/// <summary>
/// Reads request bodies as JSON objects and their members with errors that name the field. Bodies are read by
/// hand rather than bound to classes so that a missing, mistyped, oversized or unknown member is reported by its
/// name, and so a merge patch can tell an absent member from an explicit <c>null</c>.
/// </summary>
internal static class RequestJson
{
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Faults name the member at fault, as every other validation error of this API does.
        var bytes = await request.ReadStrictJsonAsync(cancellationToken);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes.Span);
        }
        catch (JsonException exception)
        {
            throw ProblemException.BadRequest("body", $"The body is not valid JSON: {exception.Message}");
        }

        return node as JsonObject ?? throw ProblemException.BadRequest("body", "The body must be a JSON object.");
    }

    /// <summary>Refuses members other than <paramref name="allowed"/>, naming the first unknown one.</summary>
    public static void AllowOnly(JsonObject body, params string[] allowed)
    {
        foreach (var (name, _) in body)
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                throw ProblemException.BadRequest(name, $"'{name}' is not a member this request accepts (accepted: {string.Join(", ", allowed)}).");
            }
        }
    }

    public static string RequiredString(JsonObject body, string name, int maxLength) =>
        OptionalString(body, name, maxLength) ?? throw ProblemException.BadRequest(name, $"'{name}' is required.");

    public static string? OptionalString(JsonObject body, string name, int maxLength)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        return StringValue(node, name, maxLength);
    }

    /// <summary>A string member's value; blank strings are refused (send <c>null</c> to clear an optional field).</summary>
    public static string StringValue(JsonNode node, string name, int maxLength) => FieldText.Clean(Text(node, name), name, maxLength);

    /// <summary>As <see cref="Text"/>; <c>null</c> when the member is absent or <c>null</c>.</summary>
    public static string? TextOrNull(JsonNode? node, string name) => node is null ? null : Text(node, name);

    public static DateOnly DateValue(JsonNode node, string name) => FieldText.Date(Text(node, name), name);

    public static long LongValue(JsonNode node, string name, long min, long max) => FieldText.InRange(Integer(node, name), name, min, max);

    /// <summary>An integer member's value (any integer that fits a <c>long</c>).</summary>
    public static long Integer(JsonNode node, string name) =>
        node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<long>(out var value)
            ? value
            : throw ProblemException.BadRequest(name, $"'{name}' must be an integer.");

    /// <summary>A string member's text as sent (untrimmed), for the write's own rules.</summary>
    public static string Text(JsonNode node, string name) =>
        node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw ProblemException.BadRequest(name, $"'{name}' must be a string.");

    /// <summary>The body's <c>version</c> member, if present: a positive integer.</summary>
    public static int? Version(JsonObject body)
    {
        if (!body.TryGetPropertyValue("version", out var node))
        {
            return null;
        }

        if (node is null)
        {
            throw ProblemException.BadRequest("version", "'version' must be a positive integer.");
        }

        return (int)LongValue(node, "version", 1, int.MaxValue);
    }

    public static Guid ParseId(string value, string name) =>
        Guid.TryParseExact(value, "D", out var id)
            ? id
            : throw ProblemException.BadRequest(name, $"'{name}' must be a UUID such as 3f2b6c1e-8d4a-4f5e-9a7b-1c2d3e4f5a6b.");
}
