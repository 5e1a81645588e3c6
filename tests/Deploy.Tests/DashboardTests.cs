using Xunit;

namespace Deploy.Tests;

/// <summary>The Grafana dashboard of <c>deploy/grafana</c>: valid JSON whose every query is valid PromQL.</summary>
public sealed class DashboardTests
{
    [Fact]
    public async Task every_dashboard_query_is_valid_promql()
    {
        var expressions = DeployFiles.DashboardExpressions();
        // promtool validates PromQL offline only inside rule files: each query becomes a recording rule.
        var rules = Path.Combine(Path.GetTempPath(), $"ccd-dashboard-{Guid.NewGuid():N}.rules.yml");
        var lines = new List<string> { "groups:", "  - name: dashboard", "    rules:" };
        for (var i = 0; i < expressions.Count; i++)
        {
            lines.Add($"      - record: dashboard:query_{i}");
            lines.Add($"        expr: '{expressions[i].Replace("'", "''", StringComparison.Ordinal)}'");
        }

        await File.WriteAllLinesAsync(rules, lines, TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output) = await Tool.RunAsync("promtool", "check", "rules", rules);

            Assert.True(expressions.Count >= 15, $"only {expressions.Count} queries");
            Assert.True(exitCode == 0, output);
            Assert.Contains($"SUCCESS: {expressions.Count} rules found", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(rules);
        }
    }

    [Fact]
    public void the_dashboard_shows_every_metric_an_alert_uses()
    {
        var alerted = DeployFiles.AlertExpressions().SelectMany(DeployFiles.MetricNames).ToHashSet(StringComparer.Ordinal);
        var shown = DeployFiles.DashboardExpressions().SelectMany(DeployFiles.MetricNames).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(alerted.Except(shown));
    }
}
