using System.Diagnostics;
using Ccd.Runtime.LocalDatabase;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.LocalDatabase.Tests;

/// <summary>
/// Several users of one data folder: a second start joins the running server instead of replacing it, the server is
/// stopped only by the last user to leave, and one left running counts as abandoned only when no live process holds it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalClusterSharingTests : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ccd-share-{Guid.NewGuid():N}"[..22]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Data => Path.Combine(_directory, "data");

    [Fact]
    public async Task a_second_start_joins_the_running_server_and_only_the_last_user_stops_it()
    {
        var first = await LocalPostgresCluster.StartAsync(Data, throwaway: true, cancellationToken: Ct);
        var postmaster = first.ProcessIds()[0];
        await using var second = await LocalPostgresCluster.StartAsync(Data, throwaway: true, cancellationToken: Ct);

        Assert.True(second.Joined);
        Assert.Equal(first.Port, second.Port);
        Assert.Equal(postmaster, second.ProcessIds()[0]);

        await first.StopAsync();
        Assert.Equal(1, await ScalarAsync(second.ConnectionString())); // still served for the user that remains

        await second.StopAsync();
        Assert.False(File.Exists(Path.Combine(Data, "postmaster.pid")), "the last user out did not stop the server");
    }

    [Fact]
    public async Task a_server_held_by_a_live_process_is_joined_and_one_no_live_process_holds_is_restarted()
    {
        var first = await LocalPostgresCluster.StartAsync(Data, throwaway: true, cancellationToken: Ct);
        var postmaster = first.ProcessIds()[0];

        // Another process (flock(1), as any other user of the folder would) holds the users lock.
        using var holder = Process.Start("flock", ["--shared", Data + ".users.lock", "sleep", "600"])!;
        await WaitUntilAsync(() => IsHeldAsync(Data + ".users.lock"));
        await first.StopAsync();
        Assert.True(File.Exists(Path.Combine(Data, "postmaster.pid")), "the server was stopped while a live process held it");

        await using (var joined = await LocalPostgresCluster.StartAsync(Data, throwaway: true, cancellationToken: Ct))
        {
            Assert.True(joined.Joined);
            Assert.Equal(postmaster, joined.ProcessIds()[0]);
        }

        // The holder dies without leaving (a killed process): the server it left is abandoned, so the next start restarts it.
        Assert.True(File.Exists(Path.Combine(Data, "postmaster.pid")));
        holder.Kill(entireProcessTree: true); // flock(1) and the sleep that inherited its lock
        await holder.WaitForExitAsync(Ct);
        await using var restarted = await LocalPostgresCluster.StartAsync(Data, throwaway: true, cancellationToken: Ct);
        Assert.False(restarted.Joined);
        Assert.NotEqual(postmaster, restarted.ProcessIds()[0]);
        Assert.Equal(1, await ScalarAsync(restarted.ConnectionString()));
    }

    [Fact]
    public async Task tcp_needs_the_generated_password_and_the_socket_folder_is_private()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync(Data, throwaway: true, cancellationToken: Ct);

        var withoutPassword = new NpgsqlConnectionStringBuilder(cluster.ConnectionString()) { Password = null, Pooling = false };
        var refused = await Assert.ThrowsAsync<NpgsqlException>(() => ScalarAsync(withoutPassword.ConnectionString));
        Assert.Contains("password", refused.Message, StringComparison.OrdinalIgnoreCase);
        var wrongPassword = new NpgsqlConnectionStringBuilder(cluster.ConnectionString()) { Password = "guess", Pooling = false };
        await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(wrongPassword.ConnectionString));

        Assert.Equal(1, await ScalarAsync(cluster.ConnectionString()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Data + ".password"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cluster.SocketDirectory));
        Assert.Equal(cluster.SocketDirectory, File.ReadLines(Path.Combine(Data, "postmaster.pid")).ElementAt(4));
    }

    public async ValueTask DisposeAsync()
    {
        // Whatever a failed test left running: stop it through a user of its own, then remove the folder.
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await (await LocalPostgresCluster.StartAsync(Data, throwaway: true)).StopAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<int> ScalarAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return (int)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<bool> IsHeldAsync(string lockFile)
    {
        using var probe = Process.Start("flock", ["--exclusive", "--nonblock", lockFile, "true"])!;
        await probe.WaitForExitAsync(Ct);
        return probe.ExitCode != 0;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition was not met in time");
            await Task.Delay(50, Ct);
        }
    }
}
