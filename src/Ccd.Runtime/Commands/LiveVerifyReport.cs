using System.Globalization;

namespace Ccd.Runtime.Commands;

/// <summary>What <c>import --verify --live</c> prints (documented in docs/operations.md, "Live verification").</summary>
internal static class LiveVerifyReport
{
    /// <summary>Writes every differing field of every case read; answers whether none differed.</summary>
    public static bool Write(TextWriter writer, IEnumerable<LiveVerifier.LiveResult> results)
    {
        var passed = true;
        var c = CultureInfo.InvariantCulture;
        foreach (var result in results)
        {
            writer.WriteLine(string.Create(c, $"{result.CaseTypeId} live: {result.Read} case(s) read from CCD's data store and from /ccd-persistence; {result.Differences.Count} field(s) differ"));
            foreach (var difference in result.Differences)
            {
                writer.WriteLine(string.Create(c, $"  {difference.Reference} {difference.Field}: CCD {difference.Ccd}, here {difference.Ours}"));
            }

            writer.WriteLine(result.Passed ? "  live verify passed" : "  live verify FAILED");
            passed &= result.Passed;
        }

        return passed;
    }
}
