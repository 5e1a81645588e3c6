namespace Ccd.Testing.FakeElasticsearch;

/// <summary>A fault the fake applies to a whole bulk request.</summary>
public enum FakeFault
{
    /// <summary>Answer normally.</summary>
    None,

    /// <summary>429 Too Many Requests, nothing applied.</summary>
    TooManyRequests,

    /// <summary>503 Service Unavailable, nothing applied.</summary>
    Unavailable,

    /// <summary>Wait <see cref="FakeElasticsearch.SlowDelay"/> before answering (the client usually times out first).</summary>
    Slow,

    /// <summary>Abort the connection without an answer, nothing applied.</summary>
    DropConnection,

    /// <summary>Apply, then answer 200 JSON whose items have no <c>status</c> (as a broken proxy or version might).</summary>
    MalformedBody,

    /// <summary>Apply, then answer 200 with only the first half of the JSON answer (the body ends cleanly, the JSON does not).</summary>
    TruncatedBody,

    /// <summary>Answer 200 with an HTML page (<c>text/html</c>), as a login proxy in front of the cluster would; nothing applied.</summary>
    WrongContentType,
}

/// <summary>One bulk request as received, before any fault.</summary>
/// <param name="Number">1-based arrival order.</param>
/// <param name="Authorization">The Authorization header, if any.</param>
public sealed record FakeBulkRequest(int Number, DateTimeOffset ReceivedAt, int Items, FakeFault Fault, string? Authorization);

/// <summary>One bulk item as received. <see cref="Status"/> is what the fake answered for it, or the fault's status (0 for a dropped connection, -1 while a slow request is pending).</summary>
/// <param name="Document">The document source (index actions; null when the fake keeps no sources).</param>
public sealed record FakeBulkItem(int RequestNumber, DateTimeOffset ReceivedAt, string Action, string Index, string Id, long Version, string? Document, int Status);

/// <summary>A stored document (or the tombstone of a deleted one, which keeps its version as Elasticsearch does).</summary>
public sealed record FakeStoredDocument(long Version, string? Source, bool Deleted);
