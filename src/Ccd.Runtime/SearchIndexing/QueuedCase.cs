namespace Ccd.Runtime.SearchIndexing;

/// <summary>A claimed <c>ccd.es_queue</c> row with everything needed to build or delete its documents.</summary>
/// <param name="Reference">The case reference.</param>
/// <param name="QueuedRevision">The revision the queue row holds.</param>
/// <param name="Case">The case row, or null when it is gone (disposed).</param>
/// <param name="History">The latest history row at or below the case's revision (its rendered data), or null when there is none.</param>
/// <param name="Removed">Where the documents of a removed case live, when the runtime's removal call recorded it.</param>
internal sealed record QueuedCase(long Reference, int QueuedRevision, CaseRow? Case, HistoryRow? History, RemovedCase? Removed);

/// <summary>The case row; <see cref="SupplementaryData"/> is its JSON text in UTF-8, as read.</summary>
internal sealed record CaseRow(
    long? Id,
    string Jurisdiction,
    string CaseTypeId,
    string State,
    string SecurityClassification,
    DateTime CreatedDate,
    DateTime LastModified,
    DateTime LastStateModifiedDate,
    byte[] SupplementaryData,
    int Revision,
    bool IsRemoved);

/// <summary>The history row the documents are built from; <see cref="Data"/> is its rendered data's JSON text in UTF-8, as read.</summary>
internal sealed record HistoryRow(long EventRowId, byte[] Data);

internal sealed record RemovedCase(string CaseTypeId, long DocumentId, int Revision);
