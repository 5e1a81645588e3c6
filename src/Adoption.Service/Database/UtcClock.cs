namespace Adoption.Service.Database;

/// <summary>Times as the adoption tables store them: UTC, <c>timestamp without time zone</c>, microsecond precision.</summary>
internal static class UtcClock
{
    public static DateTime Now(TimeProvider time) => Truncate(time.GetUtcNow().UtcDateTime);

    /// <summary>PostgreSQL keeps microseconds: truncate so what we return equals what we stored.</summary>
    public static DateTime Truncate(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Unspecified);

    /// <summary>A stored time as a UTC value for JSON (written with a trailing <c>Z</c>).</summary>
    public static DateTime AsUtc(DateTime stored) => DateTime.SpecifyKind(stored, DateTimeKind.Utc);
}
