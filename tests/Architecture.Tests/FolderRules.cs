using System.Text.RegularExpressions;

namespace Architecture.Tests;

/// <summary>
/// The folders of one project and what each may use, as <c>docs/architecture.md</c> declares them: the table with a
/// "May use" column under the heading that names <c>src/&lt;project&gt;</c>. Rows run from the top of the request
/// down; a row may use only folders of later rows, either all of them ("every folder below") or the ones it names
/// in backticks (text in parentheses is a remark). Folders in one row do not use each other.
/// </summary>
internal sealed partial class FolderRules
{
    private readonly List<(string[] Folders, HashSet<string> MayUse)> _rows = [];

    private FolderRules(string project) => Project = project;

    public string Project { get; }

    public IEnumerable<string> Folders => _rows.SelectMany(row => row.Folders);

    public static FolderRules Read(string markdown, string project)
    {
        var rules = new FolderRules(project);
        var lines = markdown.Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
        var heading = Array.FindIndex(lines, line => line.StartsWith("## ", StringComparison.Ordinal) && line.Contains($"`src/{project}`", StringComparison.Ordinal));
        if (heading < 0)
        {
            throw new InvalidOperationException($"docs/architecture.md has no '## ' heading naming `src/{project}`.");
        }

        var inTable = false;
        var declared = new List<(string[] Folders, string MayUse)>();
        for (var i = heading + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|'))
            {
                if (inTable)
                {
                    break;
                }

                continue;
            }

            var cells = line.Trim('|').Split('|');
            if (!inTable)
            {
                inTable = cells.Length == 3 && cells[2].Trim() == "May use";
                continue;
            }

            if (cells[0].Trim().StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            var folders = Quoted(cells[0]).Select(name => name.TrimEnd('/')).ToArray();
            declared.Add((folders, cells[2]));
        }

        if (declared.Count == 0)
        {
            throw new InvalidOperationException($"The `src/{project}` section of docs/architecture.md has no table with a 'May use' column.");
        }

        for (var i = 0; i < declared.Count; i++)
        {
            var below = declared.Skip(i + 1).SelectMany(row => row.Folders).ToHashSet();
            var remark = Remark().Replace(declared[i].MayUse, "");
            var mayUse = remark.Contains("every folder below", StringComparison.Ordinal)
                ? below
                : Quoted(remark).Select(name => name.TrimEnd('/')).ToHashSet();
            var upward = mayUse.Where(folder => !below.Contains(folder)).ToList();
            if (upward.Count > 0)
            {
                throw new InvalidOperationException(
                    $"docs/architecture.md lets {string.Join(", ", declared[i].Folders)} use {string.Join(", ", upward)}, which is not a folder below it in the table: the table must run one way.");
            }

            rules._rows.Add((declared[i].Folders, mayUse));
        }

        return rules;
    }

    public bool IsDeclared(string folder) => _rows.Any(row => row.Folders.Contains(folder));

    public bool Allows(string from, string to) => _rows.Any(row => row.Folders.Contains(from) && row.MayUse.Contains(to));

    private static IEnumerable<string> Quoted(string cell) => Backticked().Matches(cell).Select(match => match.Groups[1].Value.Trim());

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Remark();
}
