using Xunit;

namespace Deploy.Tests;

/// <summary>The alert rules of <c>deploy/prometheus</c>, checked and unit-tested with Prometheus's own promtool.</summary>
public sealed class AlertRuleTests
{
    [Fact]
    public async Task the_alert_rules_pass_promtool_check_rules()
    {
        var (exitCode, output) = await Tool.RunAsync("promtool", "check", "rules", DeployFiles.AlertRules);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {DeployFiles.AlertNames().Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task every_alert_has_a_unit_test_and_the_unit_tests_pass()
    {
        var untested = DeployFiles.AlertNames().Where(name => !DeployFiles.TestedAlertNames().Contains(name)).ToList();

        var (exitCode, output) = await Tool.RunAsync("promtool", "test", "rules", DeployFiles.AlertTests);

        Assert.Empty(untested);
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void the_rules_cover_queue_ages_dead_letters_unsent_and_parked_messages_jobs_worker_restarts_errors_latency_and_conflicts()
    {
        var used = DeployFiles.AlertExpressions().SelectMany(DeployFiles.MetricNames).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "ccd_search_queue_oldest_age_seconds", "ccd_search_dead_letters_total", "ccd_publishing_lag_seconds",
                "ccd_publishing_unsent", "ccd_jobs_failed", "ccd_jobs_oldest_due_age_seconds",
                "http_server_request_duration_seconds_count", "ccd_submit_duration_seconds_bucket", "ccd_submit_conflicts_total",
                "ccd_publishing_parked", "ccd_worker_restarts_total", "ccd_worker_down",
            },
            used);
    }
}
