using System.Text.RegularExpressions;
using Xunit;

namespace Architecture.Tests;

/// <summary>The files and folders the architecture documents name exist, so a move that forgets a document fails here.</summary>
public sealed partial class DocumentedPathsTests
{
    [Theory]
    [InlineData("docs/architecture.md", "")]
    [InlineData("docs/write-pipeline.md", "src/Ccd.Runtime")]
    public void every_path_the_document_names_exists(string document, string defaultBase)
    {
        var missing = new List<string>();
        var named = 0;
        var bases = new[] { defaultBase };
        foreach (var line in File.ReadLines(Path.Combine(Checkout.Root, document)))
        {
            // A section about one project ("## Runtime (`src/Ccd.Runtime`)") names paths inside it.
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                var project = ProjectInHeading().Match(line);
                bases = project.Success ? [project.Groups[1].Value] : [defaultBase];
            }

            foreach (Match match in PathLike().Matches(line))
            {
                var path = match.Groups["path"].Value;
                if (path.Contains('<', StringComparison.Ordinal) || path.Contains('…', StringComparison.Ordinal) || path.Contains('*', StringComparison.Ordinal))
                {
                    continue; // a pattern such as Api/<Feature>/…Endpoints.cs, not a path
                }

                named++;
                if (!Exists(path, bases))
                {
                    missing.Add(path);
                }
            }
        }

        Assert.True(named > 0, $"{document} names no path: the pattern no longer reads it.");
        Assert.True(missing.Count == 0, $"{document} names paths that do not exist: {string.Join(", ", missing.Distinct())}");
    }

    private static bool Exists(string path, string[] bases)
    {
        foreach (var root in bases.Prepend(""))
        {
            var full = Path.Combine(Checkout.Root, root, path.TrimEnd('/'));
            if (path.EndsWith('/') ? Directory.Exists(full) : File.Exists(full) || (!path.Contains('/', StringComparison.Ordinal) && FoundBelow(Path.Combine(Checkout.Root, root), path)))
            {
                return true;
            }
        }

        return false;
    }

    // A bare file name ("PatchCase.cs" after "CaseWrites/CreateCase.cs") names a file somewhere in the section's project.
    private static bool FoundBelow(string folder, string name) =>
        Directory.Exists(folder) && Directory.EnumerateFiles(folder, name, SearchOption.AllDirectories).Any(file => !file.Contains("/bin/", StringComparison.Ordinal) && !file.Contains("/obj/", StringComparison.Ordinal));

    [GeneratedRegex(@"`(src/[\w.]+)`")]
    private static partial Regex ProjectInHeading();

    // Paths of source, script and document files, and folders written as `Name/` in backticks.
    [GeneratedRegex(@"(?<![\w/.<…-])(?<path>(?:[\w.<>…-]+/)*[\w.<>…-]+\.(?:cs|sql|sh|md|json|csproj|yml|yaml))(?![\w/])|`(?<path>(?:[\w.-]+/)+)`")]
    private static partial Regex PathLike();
}
