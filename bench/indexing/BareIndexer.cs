using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Ccd.Runtime.SearchIndexing;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Bench.Indexing;

/// <summary>
/// P5's limit for indexing, the same work without the queue: reads the cases' rows (the case row and its latest
/// history row at or below its revision, the columns the indexer reads) for a batch of references in one plain
/// <c>SELECT</c>, builds the same documents with the runtime's own document writer (<see cref="CaseDocuments"/>, as
/// the publishing limit uses the runtime's message mapping), posts one <c>_bulk</c> request per batch, and reads each
/// answer as the indexer does; <c>concurrency</c> batches at a time. No claim, no lease, no completion, no dead
/// letters: what is left of the indexer's work once its queue bookkeeping is taken away.
/// </summary>
internal static class BareIndexer
{
    private static readonly MediaTypeHeaderValue NdJson = new("application/x-ndjson");

    private const string RowsSql = """
        SELECT d.reference, d.id, d.jurisdiction, d.case_type_id, d.state, d.security_classification::text,
               d.created_date, coalesce(d.last_modified, d.created_date), d.last_state_modified_date,
               d.supplementary_data::text, d.revision, e.id, e.data::text
        FROM ccd.case_data d
        CROSS JOIN LATERAL (
            SELECT ev.id, ev.data FROM ccd.case_event ev
            WHERE ev.case_reference = d.reference AND ev.case_revision <= d.revision
            ORDER BY ev.case_revision DESC
            LIMIT 1
        ) e
        WHERE d.reference = ANY (@references)
        """;

    /// <summary>Indexes the cases of <paramref name="references"/>, <paramref name="batchSize"/> per request; the time it took.</summary>
    /// <exception cref="InvalidOperationException">An answer was not 2xx, reported an error, or listed another number of items.</exception>
    public static async Task<TimeSpan> IndexAsync(NpgsqlDataSource dataSource, Uri url, IReadOnlyList<long> references, int batchSize, int concurrency)
    {
        using var http = new HttpClient { BaseAddress = url };
        var batches = references.Chunk(batchSize).ToArray();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            using var request = new BulkRequest();
            for (var i = Interlocked.Increment(ref next); i < batches.Length; i = Interlocked.Increment(ref next))
            {
                request.Clear();
                await BuildAsync(dataSource, batches[i], request);
                using var content = new ReadOnlyMemoryContent(request.Body);
                content.Headers.ContentType = NdJson;
                using var response = await http.PostAsync(new Uri("_bulk", UriKind.Relative), content);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync();
                using var answer = await JsonDocument.ParseAsync(stream);
                if (answer.RootElement.GetProperty("errors").GetBoolean() || answer.RootElement.GetProperty("items").GetArrayLength() != request.Count)
                {
                    throw new InvalidOperationException($"Bulk request {i + 1} was answered with errors or another number of items.");
                }
            }
        }));
        return clock.Elapsed;
    }

    private static async Task BuildAsync(NpgsqlDataSource dataSource, long[] references, BulkRequest request)
    {
        await using var command = dataSource.CreateCommand(RowsSql);
        command.Parameters.Add(new NpgsqlParameter<long[]>("references", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = references });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new CaseRow(
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetDateTime(6),
                reader.GetDateTime(7),
                reader.GetDateTime(8),
                reader.GetFieldValue<byte[]>(9),
                reader.GetInt32(10),
                IsRemoved: false);
            request.BeginCase();
            CaseDocuments.Add(request, reader.GetInt64(0), row, new HistoryRow(reader.GetInt64(11), reader.GetFieldValue<byte[]>(12)));
            request.CommitCase();
        }
    }
}
