using Ccd.Runtime.Database;
using Npgsql;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// Holds one connection that LISTENs on <c>ccd_es_queue</c> (raised by the queue's trigger) and wakes the
/// indexer. It runs under the <see cref="Workers.WorkerSupervisor"/>, which reconnects it after a failure with a
/// growing pause; it wakes the indexer whenever it connects or fails, since notifications sent while it was
/// away are lost and the queue may hold work.
/// </summary>
internal sealed class QueueNotificationListener(ListenDataSource listen, WakeSignal signal)
{
    public const string Channel = "ccd_es_queue";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (listen.DataSource is not { } dataSource)
        {
            // Behind a transaction pool without a direct connection: the indexer polls; idle until the service stops.
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return;
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            connection.Notification += (_, _) => signal.Set();
            await using (var command = new NpgsqlCommand($"LISTEN {Channel}", connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            signal.Set();
            while (true)
            {
                await connection.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            signal.Set();
        }
    }
}
