using Ccd.Runtime.Store;

namespace Ccd.Runtime.Writing;

/// <summary>
/// An in-process queue per case (striped by reference) that writers pass before they take a pooled connection.
/// The database's advisory lock (<see cref="CaseLock"/>) is what serialises a case across replicas; this gate only
/// keeps a burst of writes to one hot case from holding every pooled connection while they wait for that lock,
/// which would starve every other case (the pool answers 503 when it has no connection to give).
/// </summary>
internal sealed class CaseGate
{
    // Two unrelated cases share a stripe with odds of 1 in 4096; they then only queue, never fail.
    private const int Stripes = 4096;

    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Waits for the case's turn in this process; dispose the result to pass the turn on.</summary>
    public async ValueTask<Turn> EnterAsync(long reference, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((ulong)reference % Stripes)];
        await stripe.WaitAsync(cancellationToken);
        return new Turn(stripe);
    }

    /// <summary>A case's turn; disposing it lets the next writer in.</summary>
    public readonly struct Turn(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
