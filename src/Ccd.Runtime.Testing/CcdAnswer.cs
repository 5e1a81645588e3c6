using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Ccd.Runtime.Testing;

/// <summary>
/// An answer of the service: its status, the headers a test checks, the exact body bytes and the body parsed when it
/// is JSON.
/// </summary>
public sealed class CcdAnswer
{
    /// <summary>An answer with <paramref name="status"/> and body <paramref name="text"/>.</summary>
    public CcdAnswer(HttpStatusCode status, string text)
        : this(status, Encoding.UTF8.GetBytes(text), contentType: null, retryAfter: null)
    {
    }

    /// <summary>An answer with <paramref name="status"/>, body <paramref name="bytes"/> and the two headers.</summary>
    public CcdAnswer(HttpStatusCode status, byte[] bytes, string? contentType, string? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Status = status;
        Bytes = bytes;
        ContentType = contentType;
        RetryAfter = retryAfter;
        Text = Encoding.UTF8.GetString(bytes);
        Body = Parse(Text);
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The HTTP status as a number.</summary>
    public int Code => (int)Status;

    /// <summary>The media type of the body, or null.</summary>
    public string? ContentType { get; }

    /// <summary>The <c>Retry-After</c> header, or null.</summary>
    public string? RetryAfter { get; }

    /// <summary>The body bytes exactly as sent (a replay must repeat them byte for byte).</summary>
    public byte[] Bytes { get; }

    /// <summary>The body as text.</summary>
    public string Text { get; }

    /// <summary>The body as JSON, or null when empty or not JSON.</summary>
    public JsonNode? Body { get; }

    /// <summary>The body as JSON; throws <see cref="CcdExpectationException"/> when it is empty or not JSON.</summary>
    public JsonNode Json => Body ?? throw new CcdExpectationException($"Expected a JSON body, got {this}");

    /// <summary>The submit answer's <c>revision</c>, or null.</summary>
    public int? Revision => Body?["revision"]?.GetValue<int?>();

    /// <summary>The submit answer's <c>case_details.version</c>, or null.</summary>
    public int? Version => Body?["case_details"]?["version"]?.GetValue<int?>();

    /// <summary>Reads <paramref name="response"/> whole.</summary>
    public static async Task<CcdAnswer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new CcdAnswer(response.StatusCode, bytes, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.ToString());
    }

    /// <summary>The problem body without its per-request trace id, to compare two problems.</summary>
    public string ProblemWithoutTrace()
    {
        var problem = Json.DeepClone().AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString();
    }

    /// <summary>Deconstructs into status and parsed body: <c>var (status, body) = await ccd.UpdateAsync(...)</c>.</summary>
    public void Deconstruct(out HttpStatusCode status, out JsonNode? body)
    {
        status = Status;
        body = Body;
    }

    /// <summary>The status and the start of the body, for assertion messages.</summary>
    public override string ToString() => $"{Code} {(Text.Length > 600 ? Text[..600] + "..." : Text)}";

    private static JsonNode? Parse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
