using System.Text.Json.Nodes;
using Adoption.Service.Tests.Hosting;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>The operations commands as operators run them: the real binary, killed and restarted.</summary>
public sealed class ImportProcessTests(PostgresServer postgres)
{
    [Fact]
    public async Task an_import_process_killed_mid_preload_resumes_verifies_and_status_reports_it()
    {
        var source = await CcdSourceDatabase.CreateAsync(postgres, cases: 2000, eventsPerCase: 10);
        var environment = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "TEST",
            ["TEST_DATABASE_URL"] = await postgres.CreateDatabaseAsync(global::Adoption.Service.Hosting.AdoptionHost.Migrations),
            ["CCD_SOURCE_DATABASE_URL"] = source,
            // Import refuses a case type the service does not declare: B1 is declared in configuration only.
            ["Ccd__CaseTypes__0__Id"] = "B1",
            ["Ccd__CaseTypes__0__Jurisdiction"] = "ADOPTION",
            ["Ccd__CaseTypes__0__Events__0__Id"] = "updateCase",
        };

        await using (var first = ServiceBinary.Start(environment, "import", "--case-types", "A58,B1", "--batch-size", "50"))
        {
            // Kill (SIGKILL) once a few batches have committed: the preload is then somewhere in the middle.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!first.Output.Contains("preload A58 [", StringComparison.Ordinal) || CountLines(first.Output, "preload A58 [") < 6)
            {
                Assert.False(first.HasExited, first.Output);
                Assert.True(DateTime.UtcNow < deadline, "the import made no progress in time:\n" + first.Output);
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            first.Kill();
        }

        var resumed = await ServiceBinary.RunAsync(environment, TimeSpan.FromMinutes(3), "import", "--case-types", "A58,B1", "--batch-size", "50");
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains("imported ", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("cutover B1 [", resumed.Output, StringComparison.Ordinal);

        var verify = await ServiceBinary.RunAsync(environment, TimeSpan.FromMinutes(2), "import", "--case-types", "A58,B1", "--verify");
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("A58: CCD 1400 cases / 14000 events (0 pointers); store 1400 cases / 14000 events", verify.Output, StringComparison.Ordinal);
        Assert.Contains("B1: CCD 400 cases / 4000 events (0 pointers); store 400 cases / 4000 events", verify.Output, StringComparison.Ordinal);

        var again = await ServiceBinary.RunAsync(environment, TimeSpan.FromMinutes(2), "import", "--case-types", "A58,B1");
        Assert.Contains("imported 0 cases, 0 events", again.Output, StringComparison.Ordinal);

        var status = await ServiceBinary.RunAsync(environment, TimeSpan.FromMinutes(1), "status", "--json");
        Assert.True(status.ExitCode == 0, status.Output);
        var start = status.Output.IndexOf('{', StringComparison.Ordinal);
        var json = JsonNode.Parse(status.Output[start..(status.Output.LastIndexOf('}') + 1)])!;
        Assert.Equal(1400, json["cases_by_case_type"]!["A58"]!.GetValue<long>());
        Assert.Equal(400, json["cases_by_case_type"]!["B1"]!.GetValue<long>());
        Assert.Equal(1800, json["search_queue"]!["depth"]!.GetValue<long>());
        Assert.All(json["imports"]!.AsArray(), import => Assert.Equal("complete", import!["phase"]!.GetValue<string>()));
        Assert.Equal(18000, json["imports"]!.AsArray().Sum(import => import!["events_copied"]!.GetValue<long>()));
    }

    private static int CountLines(string output, string prefix) =>
        output.Split('\n').Count(line => line.StartsWith(prefix, StringComparison.Ordinal));
}
