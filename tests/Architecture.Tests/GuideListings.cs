using System.Text.RegularExpressions;

namespace Architecture.Tests;

/// <summary>
/// The listings of a guide and the sample they come from. A listing is a fenced block right after a marker
/// <c>&lt;!-- file: samples/FirstService/Claims/Claim.cs --&gt;</c> and must equal that file. Blocks of code
/// (csharp, xml, json, sql) without a marker are problems too, as is a file of the sample the guide never shows.
/// Shell blocks are commands, not listings.
/// </summary>
internal static partial class GuideListings
{
    private static readonly string[] CodeLanguages = ["csharp", "cs", "xml", "json", "sql"];

    private static readonly string[] SampleExtensions = [".cs", ".csproj", ".sql", ".json"];

    /// <summary>What is wrong with <paramref name="guide"/> (markdown) against the files under <paramref name="root"/>, given its sample folder.</summary>
    public static List<string> Problems(string guide, string root, string sampleFolder, IReadOnlyCollection<string> notShown)
    {
        var problems = new List<string>();
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in Blocks(guide))
        {
            if (block.File is null)
            {
                if (CodeLanguages.Contains(block.Language, StringComparer.Ordinal))
                {
                    problems.Add($"line {block.Line}: a {block.Language} block without a <!-- file: ... --> marker");
                }

                continue;
            }

            var path = Path.Combine(root, block.File);
            if (!File.Exists(path))
            {
                problems.Add($"line {block.Line}: {block.File} does not exist");
                continue;
            }

            shown.Add(block.File);
            var expected = Normalise(File.ReadAllText(path));
            if (!string.Equals(Normalise(block.Text), expected, StringComparison.Ordinal))
            {
                problems.Add($"line {block.Line}: the listing differs from {block.File} ({FirstDifference(block.Text, expected)})");
            }
        }

        foreach (var file in SampleFiles(root, sampleFolder))
        {
            if (!shown.Contains(file) && !notShown.Contains(file))
            {
                problems.Add($"{file} is in the sample but the guide does not show it");
            }
        }

        return problems;
    }

    /// <summary>The guide's fenced blocks, each with the file its marker names (or null).</summary>
    public static List<Listing> Blocks(string guide)
    {
        var lines = Normalise(guide).Split('\n');
        var blocks = new List<Listing>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && lines[i] != fence.Groups["fence"].Value; i++)
            {
                body.Add(lines[i]);
            }

            var marker = start > 0 ? Marker().Match(lines[start - 1]) : Match.Empty;
            blocks.Add(new Listing(start + 1, fence.Groups["language"].Value, marker.Success ? marker.Groups["file"].Value : null, string.Join('\n', body)));
        }

        return blocks;
    }

    private static IEnumerable<string> SampleFiles(string root, string sampleFolder) =>
        Directory.EnumerateFiles(Path.Combine(root, sampleFolder), "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Where(file => !file.Contains("/bin/", StringComparison.Ordinal) && !file.Contains("/obj/", StringComparison.Ordinal))
            .Where(file => SampleExtensions.Contains(Path.GetExtension(file), StringComparer.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

    private static string FirstDifference(string listing, string file)
    {
        var shown = Normalise(listing).Split('\n');
        var actual = file.Split('\n');
        for (var i = 0; i < Math.Max(shown.Length, actual.Length); i++)
        {
            var a = i < shown.Length ? shown[i] : "(end)";
            var b = i < actual.Length ? actual[i] : "(end)";
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                return $"line {i + 1} of the file: guide has '{a.Trim()}', file has '{b.Trim()}'";
            }
        }

        return "whitespace";
    }

    [GeneratedRegex(@"^(?<fence>```+)(?<language>[\w-]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^<!--\s*file:\s*(?<file>\S+)\s*-->\s*$")]
    private static partial Regex Marker();
}

/// <summary>One fenced block of a guide: where it starts, its language, the file its marker names and its text.</summary>
internal sealed record Listing(int Line, string Language, string? File, string Text);
