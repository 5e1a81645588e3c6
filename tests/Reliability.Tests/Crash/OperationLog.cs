using System.Collections.Concurrent;

namespace Reliability.Tests.Crash;

/// <summary>What a client sent and what it learnt about the outcome.</summary>
internal enum Outcome
{
    /// <summary>A 2xx answer: the operation was applied.</summary>
    Acknowledged,

    /// <summary>A 4xx answer: the service refused it, nothing was applied.</summary>
    Refused,

    /// <summary>No answer after every attempt (connection lost, timeout, 5xx): applied at most once for a submit, any number of times up to the attempts for a supplementary update.</summary>
    Unknown,
}

internal enum OperationKind
{
    Create,
    Note,
    Increment,
}

/// <summary>
/// One logged operation. An increment adds <c>4^Index</c> to the case's <c>sums.total</c> and 1 to <c>sums.count</c>
/// in one request: with at most three attempts an increment can apply at most three times, so each base-4 digit of
/// the stored total says exactly how often that increment applied.
/// </summary>
internal sealed record Operation(OperationKind Kind, long Reference, Guid? Key, int Index)
{
    public int Attempts { get; set; }

    public Outcome Outcome { get; set; } = Outcome.Unknown;

    public int LastStatus { get; set; }
}

/// <summary>Every operation of a run, and every status seen (to prove there was never a 500).</summary>
internal sealed class OperationLog
{
    public ConcurrentQueue<Operation> Operations { get; } = new();

    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    /// <summary>5xx answers seen without a Retry-After header.</summary>
    public ConcurrentQueue<string> UnavailableWithoutRetryAfter { get; } = new();

    public int Completed;

    public string Summary()
    {
        var ops = Operations.ToArray();
        var byKind = string.Join(", ", ops.GroupBy(o => o.Kind).OrderBy(g => g.Key).Select(g =>
            $"{g.Key}: {g.Count()} ({g.Count(o => o.Outcome == Outcome.Acknowledged)} acknowledged, {g.Count(o => o.Outcome == Outcome.Unknown)} unknown, {g.Count(o => o.Outcome == Outcome.Refused)} refused)"));
        var statuses = string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "no answer" : s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}×{s.Value}"));
        return $"{ops.Length} operations, {ops.Count(o => o.Attempts > 1)} retried; {byKind}; statuses {statuses}";
    }
}
