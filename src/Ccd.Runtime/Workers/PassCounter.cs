namespace Ccd.Runtime.Workers;

/// <summary>
/// Counts a worker's finished passes and lets a caller wait for one that finishes after a point: the test harness's
/// drains run passes of their own and, when another loop holds the remaining rows, wait here for that loop's pass
/// instead of polling the table.
/// </summary>
internal sealed class PassCounter
{
    private long _count;
    private TaskCompletionSource _next = New();

    /// <summary>Passes finished so far, failed ones included.</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Finished()
    {
        Interlocked.Increment(ref _count);
        Interlocked.Exchange(ref _next, New()).TrySetResult();
    }

    /// <summary>Returns once <see cref="Count"/> exceeds <paramref name="count"/>.</summary>
    public async Task WaitBeyondAsync(long count, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Taken before the count is read, so a pass that finishes in between is not missed.
            var next = Volatile.Read(ref _next).Task;
            if (Count > count)
            {
                return;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
