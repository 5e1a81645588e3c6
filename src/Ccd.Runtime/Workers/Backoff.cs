namespace Ccd.Runtime.Workers;

/// <summary>
/// The one capped exponential back-off of the runtime's background work: the pause after the
/// <c>n</c>-th failure in a row is <c>first × 2^(n-1)</c>, never more than <c>max</c>.
/// </summary>
internal static class Backoff
{
    /// <summary>The pause after <paramref name="failures"/> failures in a row (1-based; 0 or less counts as 1).</summary>
    public static TimeSpan After(int failures, TimeSpan first, TimeSpan max)
    {
        // 2^30 times any positive first pause is beyond every cap the options allow.
        var factor = Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var ticks = Math.Min(first.Ticks * factor, max.Ticks);
        return TimeSpan.FromTicks((long)Math.Max(ticks, Math.Min(first.Ticks, max.Ticks)));
    }
}
