using Reliability.Tests.Support;

namespace Reliability.Tests.Crash;

/// <summary>
/// A mixed load of creates (30%), additive note events (35%) and supplementary increments (35%) from several CCD-like
/// clients. Notes and increments go only to cases whose create was acknowledged. With <c>duplicates</c>, one create in
/// twenty is sent twice at once with the same key, to two different addresses.
/// </summary>
internal sealed class Workload(OperationLog log, int operations, int clients, Func<int, Uri> addressOf, bool duplicates = false)
{
    /// <summary>An increment's amount is 4^index, and a long holds 4^31; a case takes at most this many.</summary>
    private const int MaxIncrementsPerCase = 30;

    private static long _references = 100_000;

    private int _started;

    public async Task RunAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(() => ClientAsync(client, cancellationToken), cancellationToken)));

    private async Task ClientAsync(int client, CancellationToken cancellationToken)
    {
        var random = new Random(client * 7919);
        var cases = new List<(long Reference, int Increments)>();
        using var ccd = new CcdLikeClient(() => addressOf(client), log, TimeSpan.FromSeconds(10));
        using var twin = new CcdLikeClient(() => addressOf(client + 1), log, TimeSpan.FromSeconds(10));
        while (Interlocked.Increment(ref _started) <= operations && !cancellationToken.IsCancellationRequested)
        {
            var roll = random.NextDouble();
            if (cases.Count == 0 || roll < 0.30)
            {
                var create = new Operation(OperationKind.Create, Refs.Valid(Interlocked.Increment(ref _references)), Guid.NewGuid(), 0);
                if (duplicates && random.Next(20) == 0)
                {
                    var copy = create with { };
                    await Task.WhenAll(ccd.CreateAsync(create, cancellationToken), twin.CreateAsync(copy, cancellationToken));
                    if (copy.Outcome == Outcome.Acknowledged)
                    {
                        create.Outcome = Outcome.Acknowledged;
                    }
                }
                else
                {
                    await ccd.CreateAsync(create, cancellationToken);
                }

                if (create.Outcome == Outcome.Acknowledged)
                {
                    cases.Add((create.Reference, 0));
                }
            }
            else if (roll < 0.65)
            {
                var (reference, _) = cases[random.Next(cases.Count)];
                await ccd.NoteAsync(new Operation(OperationKind.Note, reference, Guid.NewGuid(), 0), cancellationToken);
            }
            else
            {
                var pick = random.Next(cases.Count);
                var (reference, increments) = cases[pick];
                await ccd.IncrementAsync(new Operation(OperationKind.Increment, reference, null, increments), cancellationToken);
                if (increments + 1 >= MaxIncrementsPerCase)
                {
                    cases.RemoveAt(pick);
                }
                else
                {
                    cases[pick] = (reference, increments + 1);
                }
            }

            Interlocked.Increment(ref log.Completed);
        }
    }
}
