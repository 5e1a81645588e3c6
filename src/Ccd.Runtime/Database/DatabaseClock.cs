namespace Ccd.Runtime.Database;

/// <summary>
/// Times as the <c>timestamp</c> (without time zone) columns hold them: UTC, of unspecified kind (what Npgsql writes
/// to such a column), to the microsecond (PostgreSQL's precision), so that a time kept in memory equals the one
/// stored. Take "now" from here rather than converting <see cref="TimeProvider"/> time by hand.
/// </summary>
public static class DatabaseClock
{
    /// <summary>The time now, as a <c>timestamp</c> column holds it.</summary>
    /// <param name="time">The clock (the application's <see cref="TimeProvider"/>).</param>
    /// <returns>UTC, unspecified kind, truncated to the microsecond.</returns>
    public static DateTime Now(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return ToStored(time.GetUtcNow().UtcDateTime);
    }

    /// <summary>A UTC time as a <c>timestamp</c> column holds it.</summary>
    /// <param name="utc">A UTC time (its kind is not read).</param>
    /// <returns>UTC, unspecified kind, truncated to the microsecond.</returns>
    public static DateTime ToStored(DateTime utc) => Truncate(utc, TimeSpan.TicksPerMicrosecond);

    /// <summary>A stored time as a UTC value (written to JSON with a trailing <c>Z</c>).</summary>
    /// <param name="stored">A time read from a <c>timestamp</c> column.</param>
    /// <returns>The same time, of UTC kind.</returns>
    public static DateTime AsUtc(DateTime stored) => DateTime.SpecifyKind(stored, DateTimeKind.Utc);

    /// <summary>
    /// The time now to the millisecond: the precision of the CCD case tables, because CCD's wire format shows case
    /// times to the millisecond and a case read back must show what its write answered.
    /// </summary>
    internal static DateTime NowToMillisecond(TimeProvider time) =>
        Truncate(time.GetUtcNow().UtcDateTime, TimeSpan.TicksPerMillisecond);

    private static DateTime Truncate(DateTime utc, long ticks) => new(utc.Ticks - (utc.Ticks % ticks), DateTimeKind.Unspecified);
}
