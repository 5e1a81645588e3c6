using Ccd.Runtime.Testing;
using System.Net.Http.Headers;
using Ccd.Testing;

namespace Reliability.Tests.Support;

/// <summary>
/// One request exactly as a hostile caller would send it: any method, path, raw body bytes and headers. Unless told
/// otherwise it carries CCD's valid user and service tokens, and a submit carries a fresh Idempotency-Key.
/// </summary>
internal sealed record RawRequest(string Method, string Path, byte[]? Body = null)
{
    /// <summary>Headers to send instead of the defaults (a null value removes the header).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Headers { get; init; } = [];

    /// <summary>Send the body without a Content-Length (chunked), so the server cannot refuse it up front.</summary>
    public bool Chunked { get; init; }

    public async Task<CcdAnswer> SendAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (Body is not null)
        {
            message.Content = Chunked ? new StreamContent(new MemoryStream(Body)) : new ByteArrayContent(Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (Chunked)
            {
                message.Headers.TransferEncodingChunked = true;
            }
        }

        var headers = new List<KeyValuePair<string, string?>>
        {
            new("Authorization", "Bearer " + DefaultUserToken),
            new("ServiceAuthorization", DefaultServiceToken),
        };
        if (Method == "POST" && Path.TrimEnd('/').EndsWith("/ccd-persistence/cases", StringComparison.Ordinal))
        {
            headers.Add(new("Idempotency-Key", Guid.NewGuid().ToString()));
        }

        foreach (var group in Headers.GroupBy(header => header.Key, StringComparer.OrdinalIgnoreCase))
        {
            headers.RemoveAll(header => string.Equals(header.Key, group.Key, StringComparison.OrdinalIgnoreCase));
            headers.AddRange(group.Where(header => header.Value is not null));
        }

        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(message, cancellationToken);
        return await CcdAnswer.ReadAsync(response, cancellationToken);
    }

    private static readonly string DefaultUserToken = TestTokens.User("hostile-user", firstName: "Hos", lastName: "Tile");

    private static readonly string DefaultServiceToken = TestTokens.Service();
}
