using System.Globalization;

namespace Ccd.Bench;

/// <summary>
/// CPU time (user + system) of a PostgreSQL cluster: its postmaster, the live children (backends, background
/// workers) and those already reaped, from <c>/proc</c>. Shared by the P5 benchmarks (linked into each project), so
/// a run reports what its database work cost beside its own process's time.
/// </summary>
internal static class PostgresCpu
{
    // Linux reports /proc times in USER_HZ ticks, 100 per second on every architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>The cluster's CPU time so far, or zero when its <c>postmaster.pid</c> cannot be read.</summary>
    public static TimeSpan Of(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), out var postmaster))
        {
            return TimeSpan.Zero;
        }

        var ticks = Ticks(postmaster, withReaped: true) + ChildrenOf(postmaster).Sum(child => Ticks(child, withReaped: true));
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static long Ticks(int pid, bool withReaped)
    {
        try
        {
            // Fields after the command name (which may hold spaces) start at the state: utime is the 12th of them.
            var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long Field(int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
            return Field(11) + Field(12) + (withReaped ? Field(13) + Field(14) : 0);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0; // the process ended while it was read: its time is its parent's now
        }
    }

    private static List<int> ChildrenOf(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(child => int.Parse(child, CultureInfo.InvariantCulture))
                .ToList();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
