using System.Xml.Linq;

namespace Ccd.Conformance;

/// <summary>Writes the checks as a JUnit XML report (one test case per check, grouped by the check's first word).</summary>
internal static class JUnitReport
{
    public static void Write(string path, IReadOnlyList<CheckResult> results, string suite, TimeSpan elapsed)
    {
        var failures = results.Count(r => !r.Passed);
        var document = new XDocument(
            new XElement("testsuites",
                new XAttribute("tests", results.Count),
                new XAttribute("failures", failures),
                new XElement("testsuite",
                    new XAttribute("name", suite),
                    new XAttribute("tests", results.Count),
                    new XAttribute("failures", failures),
                    new XAttribute("errors", 0),
                    new XAttribute("time", elapsed.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)),
                    results.Select(result => new XElement("testcase",
                        new XAttribute("classname", $"{suite}.{result.Name.Split('.')[0]}"),
                        new XAttribute("name", result.Name),
                        result.Passed ? null : new XElement("failure", new XAttribute("message", result.Detail), result.Detail))))));
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        document.Save(path);
    }
}
