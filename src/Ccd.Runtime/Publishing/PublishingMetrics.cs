using System.Diagnostics.Metrics;
using Ccd.Runtime.Telemetry;

namespace Ccd.Runtime.Publishing;

/// <summary>The publisher's instruments: messages sent and failed, and the backlog (count and lag) last read from the table.</summary>
internal sealed class PublishingMetrics
{
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private OutboxSnapshot? _last;
    private long _sentTotal;

    public PublishingMetrics()
    {
        _sent = CcdTelemetry.Meter.CreateCounter<long>("ccd.publishing.sent", "{message}", "Messages the broker accepted.");
        _failed = CcdTelemetry.Meter.CreateCounter<long>("ccd.publishing.failed", "{message}", "Messages not accepted (left unsent for retry).");
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

    /// <summary>Called by the publisher after it read the backlog; the gauges report the latest reading.</summary>
    public void Observe(OutboxSnapshot snapshot) => Volatile.Write(ref _last, snapshot);
}
