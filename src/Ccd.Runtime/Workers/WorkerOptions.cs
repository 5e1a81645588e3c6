using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;

namespace Ccd.Runtime.Workers;

/// <summary>Settings of the supervisor of background loops, bound from <c>Ccd:Workers</c> (see docs/operations.md).</summary>
internal sealed class WorkerOptions
{
    public const string SectionName = "Ccd:Workers";

    /// <summary>Pause before the first restart of a loop that failed, in milliseconds; it doubles per failure in a row. Default 1000.</summary>
    public int FirstRestartPauseMilliseconds { get; set; } = 1000;

    /// <summary>Longest pause between restarts of a failing loop, in seconds. Default 60.</summary>
    public int MaxRestartPauseSeconds { get; set; } = 60;

    /// <summary>A loop that ran this long before it failed starts again from the first pause. Default 60.</summary>
    public int StableAfterSeconds { get; set; } = 60;

    /// <summary>Readiness reports Degraded while a loop restarted at least this many times within <see cref="DegradedWindowSeconds"/>. Default 3.</summary>
    public int DegradedRestarts { get; set; } = 3;

    /// <summary>The window of <see cref="DegradedRestarts"/>, in seconds. Default 600.</summary>
    public int DegradedWindowSeconds { get; set; } = 600;

    public TimeSpan FirstRestartPause => TimeSpan.FromMilliseconds(FirstRestartPauseMilliseconds);

    public TimeSpan MaxRestartPause => TimeSpan.FromSeconds(MaxRestartPauseSeconds);

    public TimeSpan StableAfter => TimeSpan.FromSeconds(StableAfterSeconds);

    public TimeSpan DegradedWindow => TimeSpan.FromSeconds(DegradedWindowSeconds);

    /// <summary>The section's rules, checked at start; each failure names its key.</summary>
    public static void Check(WorkerOptions options, OptionsRules rules)
    {
        rules.InRange(options.FirstRestartPauseMilliseconds, 1, 3_600_000, $"{SectionName}:{nameof(FirstRestartPauseMilliseconds)}");
        rules.InRange(options.MaxRestartPauseSeconds, 1, 86_400, $"{SectionName}:{nameof(MaxRestartPauseSeconds)}");
        rules.InRange(options.StableAfterSeconds, 1, 86_400, $"{SectionName}:{nameof(StableAfterSeconds)}");
        rules.InRange(options.DegradedRestarts, 1, 1000, $"{SectionName}:{nameof(DegradedRestarts)}");
        rules.InRange(options.DegradedWindowSeconds, 1, 86_400, $"{SectionName}:{nameof(DegradedWindowSeconds)}");
        rules.Require(
            options.MaxRestartPause >= options.FirstRestartPause,
            $"{SectionName}:MaxRestartPauseSeconds must be at least {SectionName}:FirstRestartPauseMilliseconds.");
    }
}
