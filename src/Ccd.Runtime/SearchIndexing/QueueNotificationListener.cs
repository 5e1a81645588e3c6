using Ccd.Runtime.Database;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>Wakes the indexer on the NOTIFY of <c>ccd_es_queue</c> (raised by the queue's trigger), through the <see cref="NotificationListener"/>.</summary>
internal sealed class QueueNotificationListener(ListenDataSource listen, WakeSignal signal)
{
    public const string Channel = "ccd_es_queue";

    public Task RunAsync(CancellationToken cancellationToken) =>
        NotificationListener.RunAsync(listen.DataSource, Channel, signal.Set, cancellationToken);
}
