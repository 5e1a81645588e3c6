namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// The one seam between the indexer and Elasticsearch: a bulk of index and delete operations, each with an
/// external version, answered per item. Kept small so the official client can replace the HTTP one.
/// </summary>
internal interface ISearchIndexClient
{
    /// <summary>Sends <paramref name="request"/> as one bulk request; returns one outcome per item, in order.</summary>
    /// <exception cref="SearchIndexUnavailableException">The request as a whole failed (transport, timeout, or a non-2xx answer).</exception>
    /// <exception cref="SearchIndexAnswerException">A 2xx answer that does not follow the bulk format (not JSON, cut short, items missing or without a status).</exception>
    Task<IReadOnlyList<BulkItemOutcome>> BulkAsync(BulkRequest request, CancellationToken cancellationToken);
}

internal enum BulkAction
{
    Index,
    Delete,
}

/// <summary>One bulk item, as tests and the benchmark write them (<see cref="BulkRequest.Of"/>); the indexer writes its items straight into a <see cref="BulkRequest"/>. <see cref="Version"/> is sent with <c>version_type=external_gte</c>, so an older revision never replaces a newer one.</summary>
/// <param name="Action">Index or delete.</param>
/// <param name="Index">The index name.</param>
/// <param name="Id">The document _id.</param>
/// <param name="Version">The external version (the case revision).</param>
/// <param name="Document">UTF-8 JSON of the document (index only).</param>
internal sealed record BulkOperation(BulkAction Action, string Index, string Id, long Version, byte[]? Document);

/// <summary>The answer for one bulk item: its HTTP-style status and, on failure, the error type and reason.</summary>
internal readonly record struct BulkItemOutcome(int Status, string? Error);

/// <summary>The bulk request as a whole failed: the pass fails, its cases are handed back, and the loop's supervisor pauses it.</summary>
internal sealed class SearchIndexUnavailableException(string message, int? status = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status answered, or null when none was received (connection failure, timeout).</summary>
    public int? Status { get; } = status;
}

/// <summary>
/// Elasticsearch (or something in its place, such as a proxy) answered 2xx with something that is not a bulk answer.
/// Like <see cref="SearchIndexUnavailableException"/>, the pass fails and the indexing loop reports it to its supervisor.
/// </summary>
internal sealed class SearchIndexAnswerException(string message, Exception? inner = null) : Exception(message, inner);
