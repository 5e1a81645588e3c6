namespace Ccd.Runtime.Workers;

/// <summary>Where one supervised loop is: running, down (waiting for its restart), or stopped with the service.</summary>
internal enum LoopStatus
{
    Running,
    Down,
    Stopped,
}

/// <summary>What readiness and the metrics read about one loop at one moment.</summary>
/// <param name="Name">The loop's name, as in logs and the <c>loop</c> tag of <c>ccd.worker.restarts</c>.</param>
/// <param name="Status">Running, down (waiting for its restart) or stopped.</param>
/// <param name="RecentRestarts">Restarts within the degraded window.</param>
/// <param name="TotalRestarts">Restarts since the process started.</param>
/// <param name="LastError">Type and message of the last failure, if any.</param>
/// <param name="RestartAt">While down: when it starts again.</param>
internal sealed record LoopSnapshot(string Name, LoopStatus Status, int RecentRestarts, long TotalRestarts, string? LastError, DateTimeOffset? RestartAt);

/// <summary>The supervisor's record of one loop; every member is safe to call from any thread.</summary>
internal sealed class LoopState(string name)
{
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _restarts = new();
    private LoopStatus _status = LoopStatus.Running;
    private long _total;
    private string? _lastError;
    private DateTimeOffset? _restartAt;

    public string Name { get; } = name;

    public void Started()
    {
        lock (_lock)
        {
            _status = LoopStatus.Running;
            _restartAt = null;
        }
    }

    public void Failed(DateTimeOffset at, string error, DateTimeOffset restartAt)
    {
        lock (_lock)
        {
            _status = LoopStatus.Down;
            _restarts.Enqueue(at);
            _total++;
            _lastError = error;
            _restartAt = restartAt;
        }
    }

    public void Stopped()
    {
        lock (_lock)
        {
            _status = LoopStatus.Stopped;
            _restartAt = null;
        }
    }

    public LoopSnapshot Snapshot(DateTimeOffset now, TimeSpan window)
    {
        lock (_lock)
        {
            while (_restarts.TryPeek(out var oldest) && oldest <= now - window)
            {
                _restarts.Dequeue();
            }

            return new LoopSnapshot(Name, _status, _restarts.Count, _total, _lastError, _restartAt);
        }
    }
}
