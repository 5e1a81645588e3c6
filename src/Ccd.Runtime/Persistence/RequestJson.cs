using System.Text.Json;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Http;

namespace Ccd.Runtime.Persistence;

/// <summary>Reads request bodies strictly (no duplicate keys) and turns malformed JSON into a 400 naming where it broke.</summary>
internal static class RequestJson
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancellationToken)
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
}
