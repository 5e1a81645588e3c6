using System.Net;
using System.Text.Json.Nodes;

namespace Ccd.Runtime.Testing;

/// <summary>An answer of the service: its status and body (raw text, and parsed when it is JSON).</summary>
public sealed class CcdAnswer
{
    /// <summary>An answer with <paramref name="status"/> and body <paramref name="text"/>.</summary>
    public CcdAnswer(HttpStatusCode status, string text)
    {
        Status = status;
        Text = text;
        Body = Parse(text);
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The body exactly as sent (a replay must repeat it byte for byte).</summary>
    public string Text { get; }

    /// <summary>The body as JSON, or null when empty or not JSON.</summary>
    public JsonNode? Body { get; }

    /// <summary>The submit answer's <c>revision</c>, or null.</summary>
    public int? Revision => Body?["revision"]?.GetValue<int?>();

    /// <summary>The submit answer's <c>case_details.version</c>, or null.</summary>
    public int? Version => Body?["case_details"]?["version"]?.GetValue<int?>();

    /// <summary>Deconstructs into status and parsed body: <c>var (status, body) = await ccd.UpdateAsync(...)</c>.</summary>
    public void Deconstruct(out HttpStatusCode status, out JsonNode? body)
    {
        status = Status;
        body = Body;
    }

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
