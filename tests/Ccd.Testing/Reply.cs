using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Ccd.Testing;

/// <summary>An answer of a service to a test: status, the headers that matter, the exact body bytes and the body parsed.</summary>
public sealed record Reply(HttpStatusCode Status, string? ContentType, string? RetryAfter, byte[] Bytes)
{
    public int Code => (int)Status;

    public string Text => Encoding.UTF8.GetString(Bytes);

    public JsonNode Json => JsonNode.Parse(Bytes)!;

    /// <summary>The problem body without its per-request trace id, to compare two problems.</summary>
    public string ProblemWithoutTrace()
    {
        var problem = Json.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString();
    }

    public override string ToString() => $"{Code} {(Text.Length > 600 ? Text[..600] + "..." : Text)}";

    /// <summary>Reads <paramref name="response"/> whole.</summary>
    public static async Task<Reply> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter?.ToString(), bytes);
    }
}
