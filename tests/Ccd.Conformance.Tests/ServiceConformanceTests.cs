using Adoption.Service.Hosting;
using Ccd.Testing;
using Xunit;

namespace Ccd.Conformance.Tests;

/// <summary>
/// CI's conformance run: the kit plays CCD's data store against the real service binary (the one scripts/run.sh
/// runs) for a configuration-only case type and for A58, and every check passes.
/// </summary>
public sealed class ServiceConformanceTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(120);

    private static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "Adoption.Service.dll");

    [Fact]
    public async Task a_configuration_only_case_type_passes_every_check()
    {
        await using var service = await StartServiceAsync();

        var run = await KitRun.RunAsync(
            "--base-url", service.BaseAddress.ToString(), "--case-type", "FT_Blob", "--jurisdiction", "TEST",
            "--user-token", TestTokens.User("officer-1"), "--service-token", TestTokens.Service());

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Empty(run.Failed);
        Assert.True(run.Passed.Count >= 70, run.Output);
    }

    [Fact]
    public async Task a58_passes_every_check_with_the_tool_binary_and_tokens_from_the_service_dev_token_command()
    {
        await using var service = await StartServiceAsync();
        var devToken = $"APP_ENV=TEST dotnet '{ServiceDll}' dev-token";
        var report = Path.Combine(Path.GetTempPath(), $"ccd-conformance-a58-{Guid.NewGuid():N}.xml");

        await using var tool = ServiceProcess.Start(Path.Combine(AppContext.BaseDirectory, "Ccd.Conformance.dll"), new Dictionary<string, string?>(),
        [
            "--base-url", service.BaseAddress.ToString(), "--case-type", "A58", "--jurisdiction", "ADOPTION",
            "--create-event", "submitApplication", "--create-state", "APPLICATION",
            "--create-data", """{"courtCode":"BFC","applicantName":"Alex Morgan","childName":"Sam Morgan"}""",
            "--update-event", "issueDirections", "--update-state", "DIRECTIONS", "--update-data", "{}",
            "--stale-event", "withdraw", "--stale-state", "WITHDRAWN", "--stale-data", "{}",
            "--user-token-command", $"{devToken} user caseworker-1 --roles caseworker --courts BFC",
            "--service-token-command", $"{devToken} service ccd_data",
            "--junit", report,
        ]);
        Assert.True(await tool.WaitForExitAsync(Ceiling), tool.Output);

        try
        {
            Assert.True(tool.ExitCode == 0, tool.Output + service.Output[^Math.Min(4000, service.Output.Length)..]);
            Assert.DoesNotContain("FAIL ", tool.Output, StringComparison.Ordinal);
            Assert.Matches(@"(\d+) checks: \1 passed, 0 failed", tool.Output);
            Assert.Contains("failures=\"0\"", await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(report);
        }
    }

    private async Task<ServiceProcess> StartServiceAsync()
    {
        var database = await postgres.CreateDatabaseAsync(AdoptionHost.Migrations);
        var service = ServiceProcess.Start(ServiceDll, new Dictionary<string, string?>
        {
            ["APP_ENV"] = "TEST",
            ["TEST_DATABASE_URL"] = database,
            ["Ccd__CaseTypes__0__Id"] = "FT_Blob",
            ["Ccd__CaseTypes__0__Jurisdiction"] = "TEST",
            ["Ccd__CaseTypes__0__Events__0__Id"] = "create",
            ["Ccd__CaseTypes__0__Events__1__Id"] = "update",
        });
        await service.WaitReadyAsync(Ceiling);
        return service;
    }
}
