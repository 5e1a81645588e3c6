namespace Ccd.Runtime.Retention;

/// <summary>Settings of <c>retention run</c> (<c>Ccd:Retention</c>).</summary>
internal sealed class RetentionOptions
{
    public const string SectionName = "Ccd:Retention";

    /// <summary>The largest share of a case type's cases one run may mark (or, local-only, delete). Default 5%.</summary>
    public double MaximumShare { get; set; } = 0.05;

    /// <summary>The breaker only judges a case type with at least this many candidates. Default 10.</summary>
    public int MinimumCandidates { get; set; } = 10;

    /// <summary>
    /// Case types that are not in CCD: their cases are deleted locally as soon as their resolved TTL has passed and
    /// their policy agrees, without asking CCD (the old local-only mode). Every other case type goes through CCD.
    /// </summary>
    public string[] LocalOnlyCaseTypes { get; set; } = [];
}
