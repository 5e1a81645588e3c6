using System.Net.Http.Headers;
using System.Text.Json;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// <see cref="ISearchIndexClient"/> over Elasticsearch's documented <c>_bulk</c> NDJSON API. Transport retries and
/// timeouts come from the resilience handler registered with the typed client; this class only speaks the format.
/// </summary>
internal sealed class ElasticsearchBulkClient(HttpClient http) : ISearchIndexClient
{
    private static readonly MediaTypeHeaderValue NdJson = new("application/x-ndjson");

    public async Task<IReadOnlyList<BulkItemOutcome>> BulkAsync(BulkRequest request, CancellationToken cancellationToken)
    {
        if (request.Count == 0)
        {
            return [];
        }

        using var content = new ReadOnlyMemoryContent(request.Body);
        content.Headers.ContentType = NdJson;
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(new Uri("_bulk", UriKind.Relative), content, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException or IOException or Polly.ExecutionRejectedException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new SearchIndexUnavailableException($"The bulk request failed: {exception.GetType().Name}.", null, exception);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new SearchIndexUnavailableException($"The bulk request was answered {(int)response.StatusCode}.", (int)response.StatusCode);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is null || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                throw new SearchIndexAnswerException($"The bulk answer has content type '{mediaType ?? "(none)"}', not JSON.");
            }

            JsonDocument answer;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                answer = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The connection broke or timed out while the body came: a transport failure like any other.
                throw new SearchIndexUnavailableException($"The bulk answer could not be received: {exception.GetType().Name}.", (int)response.StatusCode, exception);
            }
            catch (JsonException exception)
            {
                throw new SearchIndexAnswerException($"The bulk answer is not valid JSON ({exception.Message}).", exception);
            }

            using (answer)
            {
                return ReadItems(answer.RootElement, request.Count);
            }
        }
    }

    /// <summary>Reads one outcome per operation; any answer that does not follow the bulk format is a <see cref="SearchIndexAnswerException"/>.</summary>
    private static BulkItemOutcome[] ReadItems(JsonElement root, int expected)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array
            || items.GetArrayLength() != expected)
        {
            throw new SearchIndexAnswerException($"The bulk answer did not list {expected} items.");
        }

        var outcomes = new BulkItemOutcome[expected];
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            // Each item is {"<action>": {"status": 201, "error": {...}}}.
            if (!TryGetResult(item, out var result) || !result.TryGetProperty("status"u8, out var statusElement) || !statusElement.TryGetInt32(out var status))
            {
                throw new SearchIndexAnswerException($"Item {i} of the bulk answer has no numeric status.");
            }

            string? error = null;
            if (result.TryGetProperty("error"u8, out var failure))
            {
                error = failure.ValueKind == JsonValueKind.Object
                    ? $"{Text(failure, "type")}: {Text(failure, "reason")}"
                    : failure.ToString();
            }

            outcomes[i++] = new BulkItemOutcome(status, error);
        }

        return outcomes;
    }

    // The item's one property, {"<action>": {...}}, when it is an object (the struct enumerator, not LINQ, which boxed it per item).
    private static bool TryGetResult(JsonElement item, out JsonElement result)
    {
        result = default;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var properties = item.EnumerateObject();
        if (!properties.MoveNext() || properties.Current.Value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        result = properties.Current.Value;
        return true;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ToString() : null;
}
