using System.Text.Json;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Http;

namespace Ccd.Runtime.Endpoints;

/// <summary>
/// Reads the persistence API's request bodies strictly (<see cref="StrictJson"/>) and binds them, turning anything
/// unusable into a 400 naming where it broke.
/// </summary>
internal static class RequestJson
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        var body = await ReadCheckedAsync(request, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<T>(body.Span, options)
                ?? throw ProblemException.BadRequest("body", "The request body must be a JSON object.");
        }
        catch (ArgumentException exception)
        {
            // A repeated key inside case data surfaces from JsonObject as ArgumentException ("same key").
            throw ProblemException.BadRequest("body", $"The request body repeats a key: {exception.Message}");
        }
        catch (JsonException exception)
        {
            var path = string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "body" : exception.Path.TrimStart('$', '.');
            throw ProblemException.BadRequest(path, $"The request body is not valid at {exception.Path ?? "$"}: {exception.Message}");
        }
    }

    /// <summary>The body's bytes, checked by <see cref="StrictJson"/>, faults naming the body and the byte offset.</summary>
    public static Task<ReadOnlyMemory<byte>> ReadCheckedAsync(HttpRequest request, CancellationToken cancellationToken) =>
        StrictJson.ReadBodyAsync(request, nameMember: false, cancellationToken);
}
