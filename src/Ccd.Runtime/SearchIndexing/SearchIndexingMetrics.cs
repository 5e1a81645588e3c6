using System.Diagnostics.Metrics;
using Ccd.Runtime.Telemetry;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>The indexer's instruments on <see cref="CcdTelemetry.Meter"/>. Queue depth and age come from the latest <see cref="QueueSample"/>.</summary>
internal sealed class SearchIndexingMetrics
{
    private readonly Counter<long> _indexed = CcdTelemetry.Meter.CreateCounter<long>("ccd.search.documents.indexed", "{document}", "Search documents accepted by Elasticsearch.");
    private readonly Counter<long> _deleted = CcdTelemetry.Meter.CreateCounter<long>("ccd.search.documents.deleted", "{document}", "Search documents deleted for removed cases.");
    private readonly Counter<long> _failures = CcdTelemetry.Meter.CreateCounter<long>("ccd.search.failures", "{case}", "Cases whose indexing failed: an item answered with a transient error (the case backs off), or the whole pass failed (the loop restarts).");
    private readonly Counter<long> _deadLetters = CcdTelemetry.Meter.CreateCounter<long>("ccd.search.dead_letters", "{document}", "Search documents refused for good and written to ccd.es_dead_letter_queue.");
    private QueueSample _sample = QueueSample.Empty;

    public SearchIndexingMetrics()
    {
        CcdTelemetry.Meter.CreateObservableGauge("ccd.search.queue.depth", () => Volatile.Read(ref _sample).Depth, "{case}", "Cases waiting in ccd.es_queue.");
        CcdTelemetry.Meter.CreateObservableGauge("ccd.search.queue.oldest_age", () => Volatile.Read(ref _sample).OldestAge.TotalSeconds, "s", "Age of the oldest queued change.");
    }

    /// <summary>The latest sample of the queue.</summary>
    public QueueSample Sample => Volatile.Read(ref _sample);

    public void Update(QueueSample sample) => Volatile.Write(ref _sample, sample);

    public void Record(BatchResult result)
    {
        _indexed.Add(result.DocumentsIndexed);
        _deleted.Add(result.DocumentsDeleted);
        _failures.Add(result.Retries.Count);
        _deadLetters.Add(result.DeadLetters.Count);
    }

    /// <summary>A pass that failed as a whole: its claimed cases are tried again after the loop's restart.</summary>
    public void Failed(int cases) => _failures.Add(cases);
}

/// <summary>Queue depth and the age of its oldest change (zero when empty) at one moment.</summary>
internal sealed record QueueSample(long Depth, TimeSpan OldestAge)
{
    public static QueueSample Empty { get; } = new(0, TimeSpan.Zero);
}
