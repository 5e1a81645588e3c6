namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// Wakes every waiting indexing loop at once. A loop takes <see cref="Next"/> before it looks at the queue and
/// waits on it afterwards, so a notification that arrives while it looks is never lost.
/// </summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _current = New();

    /// <summary>Completes at the next <see cref="Set"/>.</summary>
    public Task Next => Volatile.Read(ref _current).Task;

    public void Set() => Interlocked.Exchange(ref _current, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
