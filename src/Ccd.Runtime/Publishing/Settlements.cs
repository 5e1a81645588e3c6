using Amqp.Framing;

namespace Ccd.Runtime.Publishing;

/// <summary>
/// The broker's outcomes for one pipelined batch, and one task that completes once every message is settled. One
/// completion per batch rather than a task per message joined by <c>Task.WhenAll</c>, which queued a thread-pool
/// callback for every message the broker settled.
/// </summary>
internal sealed class Settlements(int count)
{
    private readonly Outcome?[] _outcomes = new Outcome?[count];
    private readonly bool[] _settled = new bool[count];
    private readonly TaskCompletionSource _all = NewCompletion(count);
    private int _pending = count;

    /// <summary>Completes once every message of the batch is settled (or given up before it was handed over).</summary>
    public Task All => _all.Task;

    /// <summary>The callback state for message <paramref name="index"/>.</summary>
    public Settlement For(int index) => new(this, index);

    /// <summary>Records message <paramref name="index"/>'s outcome (null: never settled by the broker); only the first counts.</summary>
    public void Settle(int index, Outcome? outcome)
    {
        lock (_outcomes)
        {
            if (_settled[index])
            {
                return;
            }

            _settled[index] = true;
            _outcomes[index] = outcome;
        }

        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _all.TrySetResult();
        }
    }

    /// <summary>Message <paramref name="index"/>'s outcome so far (null while unsettled).</summary>
    public Outcome? Outcome(int index)
    {
        lock (_outcomes)
        {
            return _outcomes[index];
        }
    }

    private static TaskCompletionSource NewCompletion(int count)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (count == 0)
        {
            completion.TrySetResult();
        }

        return completion;
    }
}

/// <summary>One message's place in its batch's <see cref="Settlements"/> (the send callback's state).</summary>
internal sealed class Settlement(Settlements batch, int index)
{
    public void Settle(Outcome? outcome) => batch.Settle(index, outcome);
}
