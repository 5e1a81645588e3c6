using System.Diagnostics.Metrics;
using Ccd.Runtime.Telemetry;

namespace Ccd.Runtime.Publishing;

/// <summary>The publisher's instruments: messages sent, failed and parked, and the backlog (unsent, lag, parked, held) last read from the table.</summary>
internal sealed class PublishingMetrics
{
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _parked;
    private OutboxSnapshot? _last;
    private long _sentTotal;
    private long _parkedTotal;

    public PublishingMetrics()
    {
        _sent = CcdTelemetry.Meter.CreateCounter<long>("ccd.publishing.sent", "{message}", "Messages the broker accepted.");
        _failed = CcdTelemetry.Meter.CreateCounter<long>("ccd.publishing.failed", "{message}", "Messages not accepted (left unsent for retry, or parked).");
        _parked = CcdTelemetry.Meter.CreateCounter<long>("ccd.publishing.parks", "{message}", "Messages moved to the parked state (refused for good by the broker).");
        CcdTelemetry.Meter.CreateObservableGauge(
            "ccd.publishing.parked", () => Volatile.Read(ref _last)?.ParkedCount ?? 0, "{message}", "Outbox rows parked, waiting for `outbox retry` or `outbox skip`.");
        CcdTelemetry.Meter.CreateObservableGauge(
            "ccd.publishing.held", () => Volatile.Read(ref _last)?.HeldCount ?? 0, "{message}", "Outbox rows waiting behind a parked row of their case.");
        CcdTelemetry.Meter.CreateObservableGauge(
            "ccd.publishing.unsent", () => Volatile.Read(ref _last)?.UnsentCount ?? 0, "{message}", "Outbox rows not yet published.");
        CcdTelemetry.Meter.CreateObservableGauge(
            "ccd.publishing.lag", () => Volatile.Read(ref _last)?.OldestUnsentAge?.TotalSeconds ?? 0, "s", "Age of the oldest unsent outbox row.");
    }

    /// <summary>Messages this publisher sent since it started (the counter itself is shared by every instance in the process).</summary>
    public long SentTotal => Interlocked.Read(ref _sentTotal);

    public void Sent(int count)
    {
        _sent.Add(count);
        Interlocked.Add(ref _sentTotal, count);
    }

    public void Failed(int count) => _failed.Add(count);

    /// <summary>Messages this publisher parked since it started (the counter itself is shared by every instance in the process).</summary>
    public long ParkedTotal => Interlocked.Read(ref _parkedTotal);

    public void Parked(int count)
    {
        _parked.Add(count);
        Interlocked.Add(ref _parkedTotal, count);
    }

    /// <summary>The backlog last read, or null before the first reading.</summary>
    public OutboxSnapshot? Last => Volatile.Read(ref _last);

    /// <summary>Called by the publisher after it read the backlog; the gauges report the latest reading.</summary>
    public void Observe(OutboxSnapshot snapshot) => Volatile.Write(ref _last, snapshot);
}
