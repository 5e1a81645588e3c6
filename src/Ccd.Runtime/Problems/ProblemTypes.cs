namespace Ccd.Runtime.Problems;

/// <summary>Builds the stable <c>type</c> URIs of problem bodies.</summary>
internal static class ProblemTypes
{
    /// <summary>The prefix of every problem type.</summary>
    public const string Prefix = "urn:ccd:problem:";

    /// <summary>The full type URI for <paramref name="type"/>.</summary>
    public static string Uri(string type) => type.StartsWith(Prefix, StringComparison.Ordinal) ? type : Prefix + type;
}
