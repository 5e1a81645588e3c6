using Npgsql;

namespace Ccd.Runtime.Database;

/// <summary>
/// The one LISTEN loop: holds a connection that LISTENs on a channel and calls <c>wake</c> on each notification. It
/// runs under the <see cref="Workers.WorkerSupervisor"/>, which reconnects it after a failure with a growing pause.
/// It also wakes once listening and when it stops or fails, since notifications sent while nobody listened are lost
/// and the worker it wakes may have work waiting.
/// </summary>
internal static class NotificationListener
{
    /// <param name="dataSource">Where to LISTEN; null (behind a transaction pool with no direct connection) idles until stopped, and the worker polls.</param>
    /// <param name="channel">The channel, a constant identifier (LISTEN takes no parameter).</param>
    /// <param name="wake">Wakes the worker; called from Npgsql's notification callback, so it must be quick.</param>
    /// <param name="cancellationToken">Stops listening.</param>
    public static async Task RunAsync(NpgsqlDataSource? dataSource, string channel, Action wake, CancellationToken cancellationToken)
    {
        if (dataSource is null)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return;
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            connection.Notification += (_, _) => wake();
            await using (var command = new NpgsqlCommand($"LISTEN {channel}", connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            wake();
            while (true)
            {
                await connection.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            wake();
        }
    }
}
