namespace Ccd.Runtime.SearchIndexing;

/// <summary>What one indexing pass decided for its claimed cases, written back by <see cref="IndexQueue.CompleteAsync"/>.</summary>
internal sealed class BatchResult
{
    /// <summary>Cases finished at a revision (indexed, deleted, or dead-lettered): their queue row goes unless a newer revision arrived.</summary>
    public List<(long Reference, int Revision)> Done { get; } = [];

    /// <summary>Cases to try again after their back-off.</summary>
    public List<(long Reference, string Error)> Retries { get; } = [];

    /// <summary>Documents refused for good (400/404).</summary>
    public List<(long Reference, int Revision, string Index, string Reason)> DeadLetters { get; } = [];

    /// <summary>Documents accepted: they clear older dead letters of the same case and index.</summary>
    public List<(long Reference, int Revision, string Index)> Successes { get; } = [];

    public int DocumentsIndexed { get; set; }

    public int DocumentsDeleted { get; set; }
}
