using System.Globalization;

namespace Ccd.Runtime.Import;

/// <summary>What <c>import --verify</c> prints (format documented in docs/operations.md, "Verifying an import").</summary>
internal static class ImportVerifyReport
{
    /// <summary>Writes every difference of every case type; answers whether all passed.</summary>
    public static bool Write(TextWriter writer, IEnumerable<ImportVerifier.VerifyResult> results)
    {
        var passed = true;
        var c = CultureInfo.InvariantCulture;
        foreach (var result in results)
        {
            writer.WriteLine(string.Create(c,
                $"{result.CaseTypeId}: CCD {result.SourceCases} cases / {result.SourceEvents} events ({result.Pointers} pointers); store {result.TargetCases} cases / {result.TargetEvents} events"));
            if (result.Missing.Count > 0)
            {
                writer.WriteLine(string.Create(c, $"  missing in store {result.Missing.Count}: {string.Join(", ", result.Missing)}"));
            }

            if (result.Extra.Count > 0)
            {
                writer.WriteLine(string.Create(c, $"  extra in store {result.Extra.Count}: {string.Join(", ", result.Extra)}"));
            }

            if (result.Different.Count > 0)
            {
                writer.WriteLine(string.Create(c, $"  different {result.Different.Count}:"));
                foreach (var difference in result.Different)
                {
                    writer.WriteLine(string.Create(c, $"    {difference.Reference}: {difference.Describe()}"));
                }
            }

            writer.WriteLine(result.Passed
                ? "  verify passed"
                : string.Create(c, $"  verify FAILED: {result.Missing.Count} missing, {result.Extra.Count} extra, {result.Different.Count} different"));
            passed &= result.Passed;
        }

        return passed;
    }
}
