using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// Holds one connection that LISTENs on <c>ccd_es_queue</c> (raised by the queue's trigger) and wakes the
/// indexer. After a failure it reconnects with a growing pause; it wakes the indexer on every reconnect, since
/// notifications sent while it was away are lost and the queue may hold work.
/// </summary>
internal sealed class QueueNotificationListener(NpgsqlDataSource dataSource, WakeSignal signal, TimeProvider time, ILogger<QueueNotificationListener> logger)
{
    public const string Channel = "ccd_es_queue";

    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, _) => signal.Set();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                pause = FirstPause;
                signal.Set();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Search indexing: the notification connection failed ({Error}); reconnecting in {Pause}.", exception.GetType().Name, pause);
                signal.Set();
                try
                {
                    await Task.Delay(pause, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }
}
