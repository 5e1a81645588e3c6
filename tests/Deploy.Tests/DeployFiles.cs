using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deploy.Tests;

/// <summary>The files in the repository's <c>deploy/</c> folder, and the PromQL expressions they contain.</summary>
internal static partial class DeployFiles
{
    public static string Root { get; } = FindRoot();

    public static string AlertRules => Path.Combine(Root, "deploy", "prometheus", "ccd-alerts.rules.yml");

    public static string AlertTests => Path.Combine(Root, "deploy", "prometheus", "ccd-alerts.test.yml");

    public static string Dashboard => Path.Combine(Root, "deploy", "grafana", "ccd-runtime.dashboard.json");

    /// <summary>The names of the alerts the rules define.</summary>
    public static IReadOnlyList<string> AlertNames() =>
        AlertLine().Matches(File.ReadAllText(AlertRules)).Select(m => m.Groups[1].Value).ToList();

    /// <summary>The alert names the unit tests evaluate.</summary>
    public static IReadOnlySet<string> TestedAlertNames() =>
        TestedAlertLine().Matches(File.ReadAllText(AlertTests)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every alert expression (single-line or folded block) of the rules file.</summary>
    public static IReadOnlyList<string> AlertExpressions()
    {
        var expressions = new List<string>();
        var lines = File.ReadAllLines(AlertRules);
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (!trimmed.StartsWith("expr:", StringComparison.Ordinal))
            {
                continue;
            }

            var inline = trimmed["expr:".Length..].Trim();
            if (inline != "|")
            {
                expressions.Add(inline);
                continue;
            }

            var indent = lines[i].Length - trimmed.Length;
            var block = new List<string>();
            while (i + 1 < lines.Length && (lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent || lines[i + 1].Trim().Length == 0))
            {
                block.Add(lines[++i].Trim());
            }

            expressions.Add(string.Join(' ', block).Trim());
        }

        return expressions;
    }

    /// <summary>Every query of the dashboard's panels, with Grafana's variables replaced by what they stand for.</summary>
    public static IReadOnlyList<string> DashboardExpressions()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Dashboard))!;
        return dashboard["panels"]!.AsArray()
            .SelectMany(panel => panel!["targets"]?.AsArray() ?? [])
            .Select(target => target!["expr"]!.GetValue<string>()
                .Replace("$__rate_interval", "5m", StringComparison.Ordinal)
                .Replace("$job", ".*", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>The metric names a PromQL expression selects (label matchers, grouping labels, ranges and functions removed).</summary>
    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var bare = Strings().Replace(expression, "\"\"");
        bare = Matchers().Replace(bare, " ");
        bare = Grouping().Replace(bare, " ");
        bare = Ranges().Replace(bare, " ");
        return Identifier().Matches(bare)
            .Where(m => !Keywords.Contains(m.Value))
            .Select(m => m.Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "inf", "nan",
    };

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CcdRuntime.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (CcdRuntime.slnx) is not above the test binaries.");
    }

    [GeneratedRegex(@"^\s*- alert: (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertLine();

    [GeneratedRegex(@"^\s*alertname: (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex TestedAlertLine();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    // An identifier not followed by "(" (a function call) and not part of a number.
    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][\w:]*(?!\w|\s*\()")]
    private static partial Regex Identifier();
}
