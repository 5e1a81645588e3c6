using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Ccd.Runtime.SearchIndexing;
using Ccd.Testing.FakeElasticsearch;

namespace Ccd.Bench.Indexing;

/// <summary>
/// For comparison with P5's indexing limit (<see cref="BareIndexer"/>; this was the limit until 2026-12-02): the fake
/// Elasticsearch's own ingest rate from a bare <c>_bulk</c> client. It posts the
/// very bulk requests the runtime's indexer sent (the same items in the same order and batches, rebuilt from what the
/// fake received, written by the runtime's own NDJSON writer before the clock starts) with the same number of
/// requests in flight, and reads each answer as the indexer does (parse it, check the item count and the errors
/// flag): no database, no claim, no documents to build, no completion.
/// </summary>
internal static class BareBulkClient
{
    private static readonly MediaTypeHeaderValue NdJson = new("application/x-ndjson");

    /// <summary>The bodies of the bulk requests the fake received after request <paramref name="after"/> (up to <paramref name="through"/>), in arrival order.</summary>
    public static IReadOnlyList<(byte[] Body, int Items)> Capture(FakeElasticsearch fake, int after, int through = int.MaxValue) =>
        fake.Items.Where(item => item.RequestNumber > after && item.RequestNumber <= through)
            .GroupBy(item => item.RequestNumber)
            .OrderBy(request => request.Key)
            .Select(request => (BulkRequest.Of(request.Select(Operation)).Body.ToArray(), request.Count()))
            .ToList();

    /// <summary>Posts every body, <paramref name="concurrency"/> requests at a time; the time it all took.</summary>
    /// <exception cref="InvalidOperationException">An answer was not 2xx, or reported an error, or listed another number of items.</exception>
    public static async Task<TimeSpan> PostAsync(Uri url, IReadOnlyList<(byte[] Body, int Items)> bodies, int concurrency)
    {
        using var http = new HttpClient { BaseAddress = url };
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < bodies.Count; i = Interlocked.Increment(ref next))
            {
                using var content = new ByteArrayContent(bodies[i].Body);
                content.Headers.ContentType = NdJson;
                using var response = await http.PostAsync(new Uri("_bulk", UriKind.Relative), content);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync();
                using var answer = await JsonDocument.ParseAsync(stream);
                if (answer.RootElement.GetProperty("errors").GetBoolean() || answer.RootElement.GetProperty("items").GetArrayLength() != bodies[i].Items)
                {
                    throw new InvalidOperationException($"Bulk request {i + 1} was answered with errors or another number of items.");
                }
            }
        }));
        return clock.Elapsed;
    }

    private static BulkOperation Operation(FakeBulkItem item) => item.Action == "index"
        ? new BulkOperation(BulkAction.Index, item.Index, item.Id, item.Version,
            System.Text.Encoding.UTF8.GetBytes(item.Document ?? throw new InvalidOperationException("The fake kept no source: set KeepSources.")))
        : new BulkOperation(BulkAction.Delete, item.Index, item.Id, item.Version, null);
}
