using System.Text;
using Xunit;

namespace Architecture.Tests;

/// <summary>
/// Every use of one folder's types by another's, read from the built assemblies, runs the way
/// <c>docs/architecture.md</c> declares: no use against the direction, so no folder cycles.
/// </summary>
public sealed class DependencyDirectionTests
{
    [Fact]
    public void the_runtime_folders_use_only_the_folders_docs_architecture_lets_them_use() =>
        AssertDirection("Ccd.Runtime", "Ccd.Runtime");

    [Fact]
    public void the_adoption_service_folders_use_only_the_folders_docs_architecture_lets_them_use() =>
        AssertDirection("Adoption.Service", "Adoption.Service");

    [Fact]
    public void the_reader_sees_uses_in_signatures_and_in_method_bodies()
    {
        var uses = FolderReferences.Read(Checkout.Assembly("Ccd.Runtime"), "Ccd.Runtime");

        // A constructor parameter (a signature), and a static call inside an async lambda (an IL member reference of a compiler-generated type).
        Assert.Contains(new FolderReference("Writing", "Store", "CaseWritePipeline", "CaseLock"), uses);
        Assert.Contains(new FolderReference("Endpoints", "Writing", "SubmissionEndpoints", "CcdSubmission"), uses);
        Assert.Contains(new FolderReference("Endpoints", "Wire", "ReadingEndpoints", "CaseDetailsJson"), uses);
    }

    [Fact]
    public void a_use_against_the_declared_direction_is_reported_with_the_types_that_make_it()
    {
        const string Reversed = """
            ## Runtime (`src/Ccd.Runtime`)

            | Folder | What it is | May use |
            |---|---|---|
            | `Writing/` | the pipeline | every folder below |
            | `Endpoints/` | the routes | every folder below |
            """;
        var rules = FolderRules.Read(Reversed, "Ccd.Runtime");
        var uses = FolderReferences.Read(Checkout.Assembly("Ccd.Runtime"), "Ccd.Runtime")
            .Where(use => rules.IsDeclared(use.From) && rules.IsDeclared(use.To));

        var report = Violations(rules, uses);

        Assert.Contains("Endpoints -> Writing", report, StringComparison.Ordinal);
        Assert.Contains("SubmissionEndpoints -> CcdSubmission", report, StringComparison.Ordinal);
    }

    [Fact]
    public void a_table_that_lets_a_folder_use_one_above_it_is_refused()
    {
        const string Upward = """
            ## Runtime (`src/Ccd.Runtime`)

            | Folder | What it is | May use |
            |---|---|---|
            | `Endpoints/` | the routes | `Writing` |
            | `Writing/` | the pipeline | `Endpoints` |
            """;

        var refused = Assert.Throws<InvalidOperationException>(() => FolderRules.Read(Upward, "Ccd.Runtime"));

        Assert.Contains("Writing use Endpoints", refused.Message, StringComparison.Ordinal);
    }

    private static void AssertDirection(string assembly, string rootNamespace)
    {
        var rules = FolderRules.Read(File.ReadAllText(Checkout.ArchitectureDoc), assembly);
        var path = Checkout.Assembly(assembly);
        var undeclared = FolderReferences.Folders(path, rootNamespace).Where(folder => !rules.IsDeclared(folder)).Order(StringComparer.Ordinal).ToList();
        var report = new StringBuilder();
        if (undeclared.Count > 0)
        {
            report.AppendLine($"Folders of {assembly} missing from the table in docs/architecture.md: {string.Join(", ", undeclared)}");
        }

        report.Append(Violations(rules, FolderReferences.Read(path, rootNamespace).Where(use => rules.IsDeclared(use.From))));
        Assert.True(report.Length == 0, $"{assembly} runs against docs/architecture.md:\n{report}");
    }

    private static string Violations(FolderRules rules, IEnumerable<FolderReference> uses)
    {
        var report = new StringBuilder();
        foreach (var pair in uses.Where(use => !rules.Allows(use.From, use.To)).GroupBy(use => (use.From, use.To)).OrderBy(g => g.Key.From, StringComparer.Ordinal).ThenBy(g => g.Key.To, StringComparer.Ordinal))
        {
            var examples = pair.Select(use => $"{use.FromType} -> {use.ToType}").Distinct().Order(StringComparer.Ordinal).ToList();
            report.AppendLine($"  {pair.Key.From} -> {pair.Key.To}: {string.Join(", ", examples.Take(6))}{(examples.Count > 6 ? $" (+{examples.Count - 6} more)" : "")}");
        }

        return report.ToString();
    }
}
