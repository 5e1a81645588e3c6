namespace Ccd.Runtime.Retention;

/// <summary>The circuit breaker of <c>retention run</c> (<c>Ccd:Retention</c>).</summary>
internal sealed class RetentionOptions
{
    public const string SectionName = "Ccd:Retention";

    /// <summary>The largest share of a case type's cases one run may dispose of. Default 5%.</summary>
    public double MaximumShare { get; set; } = 0.05;

    /// <summary>The breaker only judges a case type with at least this many candidates. Default 10.</summary>
    public int MinimumCandidates { get; set; } = 10;
}
