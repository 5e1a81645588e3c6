using System.Globalization;
using Ccd.Runtime.Configuration;

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

    /// <summary>The section's rules, checked at start (and so before <c>retention run</c>); each failure names its key.</summary>
    public static void Check(RetentionOptions options, OptionsRules rules)
    {
        var c = CultureInfo.InvariantCulture;
        rules.Require(
            options.MaximumShare is > 0 and <= 1,
            string.Create(c, $"{SectionName}:{nameof(MaximumShare)} must be a share above 0 and at most 1 (0.05 is 5%), not {options.MaximumShare}"));
        rules.Require(options.MinimumCandidates >= 1, string.Create(c, $"{SectionName}:{nameof(MinimumCandidates)} must be at least 1, not {options.MinimumCandidates}"));
        for (var i = 0; i < options.LocalOnlyCaseTypes.Length; i++)
        {
            rules.Require(
                !string.IsNullOrWhiteSpace(options.LocalOnlyCaseTypes[i]),
                string.Create(c, $"{SectionName}:{nameof(LocalOnlyCaseTypes)}:{i} is empty: name a case type"));
        }
    }
}
