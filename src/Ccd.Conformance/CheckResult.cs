namespace Ccd.Conformance;

/// <summary>One named check: passed, or failed with what was wrong (and what CCD would do with it).</summary>
internal sealed record CheckResult(string Name, bool Passed, string Detail);

/// <summary>Collects the checks of a run in order, printing one line per check as it goes.</summary>
internal sealed class CheckLog(TextWriter output)
{
    private readonly List<CheckResult> _results = [];

    public IReadOnlyList<CheckResult> Results => _results;

    public bool Check(string name, bool passed, string detail)
    {
        var result = new CheckResult(name, passed, detail);
        _results.Add(result);
        output.WriteLine($"{(passed ? "PASS" : "FAIL")} {name}{(detail.Length == 0 ? "" : ": " + detail)}");
        return passed;
    }

    public bool Pass(string name, string detail = "") => Check(name, true, detail);

    public bool Fail(string name, string detail) => Check(name, false, detail);

    /// <summary>Records every rule of <paramref name="failures"/> under <paramref name="prefix"/>: a rule with no failure passes.</summary>
    public void Rules(string prefix, IEnumerable<string> rules, IReadOnlyDictionary<string, List<string>> failures)
    {
        foreach (var rule in rules)
        {
            var problems = failures.GetValueOrDefault(rule);
            Check($"{prefix}.{rule}", problems is null || problems.Count == 0, problems is null ? "" : string.Join("; ", problems));
        }
    }
}
