using Ccd.Runtime.Configuration;

namespace Ccd.Runtime.Jobs;

/// <summary>Settings of the job worker, bound from <c>Ccd:Jobs</c> (documented in docs/jobs-and-callbacks.md).</summary>
internal sealed class JobOptions
{
    public const string SectionName = "Ccd:Jobs";

    /// <summary>Whether this process runs the worker (a service may leave the work to dedicated replicas).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Attempts before a job is marked failed.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Delay after the first failed attempt; it doubles with each further failure.</summary>
    public int BaseDelaySeconds { get; set; } = 30;

    /// <summary>Cap of the doubling delay.</summary>
    public int MaxDelaySeconds { get; set; } = 3600;

    /// <summary>How long a claimed job belongs to its worker; after that another worker may run it.</summary>
    public int LeaseSeconds { get; set; } = 300;

    /// <summary>How often the worker looks for due jobs when no commit has woken it.</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>Jobs claimed (and run concurrently) at once.</summary>
    public int BatchSize { get; set; } = 10;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan Poll => TimeSpan.FromSeconds(PollSeconds);

    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1-based): base × 2^(attempt-1), capped.</summary>
    public TimeSpan DelayAfter(int attempt) =>
        Workers.Backoff.After(attempt, TimeSpan.FromSeconds(BaseDelaySeconds), TimeSpan.FromSeconds(MaxDelaySeconds));

    /// <summary>The section's rules, checked at start; each failure names its key.</summary>
    public static void Check(JobOptions options, OptionsRules rules)
    {
        rules.Require(options.MaxAttempts is >= 1 and <= 1000, $"{SectionName}:MaxAttempts must be between 1 and 1000.");
        rules.Require(options.BaseDelaySeconds is >= 1 and <= 86400, $"{SectionName}:BaseDelaySeconds must be between 1 and 86400.");
        rules.Require(options.MaxDelaySeconds >= options.BaseDelaySeconds && options.MaxDelaySeconds <= 7 * 86400,
            $"{SectionName}:MaxDelaySeconds must be at least BaseDelaySeconds and at most 604800.");
        rules.Require(options.LeaseSeconds is >= 5 and <= 86400, $"{SectionName}:LeaseSeconds must be between 5 and 86400.");
        rules.Require(options.PollSeconds is >= 1 and <= 3600, $"{SectionName}:PollSeconds must be between 1 and 3600.");
        rules.Require(options.BatchSize is >= 1 and <= 1000, $"{SectionName}:BatchSize must be between 1 and 1000.");
    }
}
