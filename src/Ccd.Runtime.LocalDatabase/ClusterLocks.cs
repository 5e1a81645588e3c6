namespace Ccd.Runtime.LocalDatabase;

/// <summary>
/// Advisory file locks (flock, released by the kernel when a process dies) that let several processes on one data
/// folder share a cluster: a start lock held exclusively while one of them starts, joins, leaves or stops it, and a
/// users lock every live user holds shared, so a cluster counts as abandoned only when no live process holds it.
/// </summary>
internal static class ClusterLocks
{
    /// <summary>Waits for the exclusive start lock.</summary>
    public static async Task<IDisposable> AcquireStartLockAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another process is starting or stopping the same cluster; it holds the lock for seconds at most.
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (IOException exception)
            {
                throw new InvalidOperationException($"another process kept {path} locked for more than {timeout.TotalSeconds:0} s while starting or stopping the cluster.", exception);
            }
        }
    }

    /// <summary>Holds the users lock (shared) until disposed. Called with the start lock held, so it cannot meet a probe.</summary>
    public static IDisposable Use(string path)
    {
        EnsureExists(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
    }

    /// <summary>Whether a live process holds the users lock. Called with the start lock held.</summary>
    public static bool InUse(string path)
    {
        EnsureExists(path);
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static void EnsureExists(string path)
    {
        if (!File.Exists(path))
        {
            using var _ = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        }
    }
}
