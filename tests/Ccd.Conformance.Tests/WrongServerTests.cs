using System.Xml.Linq;
using Xunit;

namespace Ccd.Conformance.Tests;

/// <summary>The kit against a stub server that is right, then wrong in one way at a time: each fault is reported by name, and only it.</summary>
public sealed class WrongServerTests
{
    [Fact]
    public async Task a_server_that_answers_as_ccd_expects_passes_every_check_and_exits_0()
    {
        await using var stub = await StubPersistenceServer.StartAsync(StubFaults.None);

        var run = await KitRun.AgainstStubAsync(stub);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Empty(run.Failed);
        Assert.True(run.Passed.Count >= 70, run.Output);
        Assert.Contains($"{run.Passed.Count} checks: {run.Passed.Count} passed, 0 failed", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StubFaults.OmitRevision, "create.revision", ".revision")]
    [InlineData(StubFaults.OffsetDates, "create.dates", ".dates")]
    [InlineData(StubFaults.UnknownField, "create.unknown-fields", ".unknown-fields")]
    public async Task a_wrong_answer_fails_the_check_that_names_it_on_every_endpoint_and_nothing_else(StubFaults fault, string named, string suffix)
    {
        await using var stub = await StubPersistenceServer.StartAsync(fault);

        var run = await KitRun.AgainstStubAsync(stub);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(named, run.Failed);
        Assert.All(run.Failed, name => Assert.EndsWith(suffix, name, StringComparison.Ordinal));
        Assert.Contains($"{run.Failed.Count} failed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_failures_say_what_was_wrong_and_what_ccd_would_do()
    {
        await using var stub = await StubPersistenceServer.StartAsync(StubFaults.OmitRevision | StubFaults.OffsetDates | StubFaults.UnknownField);

        var run = await KitRun.AgainstStubAsync(stub);

        Assert.Contains("FAIL create.revision: revision is missing or null: CCD refuses the answer (ServiceException, 500)", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL create.dates: case_details.created_date is \"", run.Output, StringComparison.Ordinal);
        Assert.Contains("+01:00\": CCD reads a LocalDateTime", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL create.unknown-fields: case_details has unknown field \"stub_extra\"", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL history.dates: event.created_date", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_server_answering_500_to_a_duplicate_create_fails_the_replay_and_duplicate_checks()
    {
        await using var stub = await StubPersistenceServer.StartAsync(StubFaults.ServerErrorOnDuplicateCreate);

        var run = await KitRun.AgainstStubAsync(stub);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("duplicate-create.statuses", run.Failed);
        Assert.Contains("replay.status", run.Failed);
        Assert.All(run.Failed, name => Assert.True(name.StartsWith("replay.", StringComparison.Ordinal) || name.StartsWith("duplicate-create.", StringComparison.Ordinal), name));
        Assert.Contains("7 × 500", run.Output, StringComparison.Ordinal);
        Assert.Contains("CCD answers 502 (and keeps its pointer)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_junit_report_has_one_test_case_per_check_with_the_failures()
    {
        await using var stub = await StubPersistenceServer.StartAsync(StubFaults.UnknownField);
        var report = Path.Combine(Path.GetTempPath(), $"ccd-conformance-{Guid.NewGuid():N}.xml");
        try
        {
            var run = await KitRun.AgainstStubAsync(stub, "--junit", report);

            var suite = XDocument.Load(report).Root!.Element("testsuite")!;
            var cases = suite.Elements("testcase").ToList();
            Assert.Equal(run.Passed.Count + run.Failed.Count, cases.Count);
            Assert.Equal(run.Failed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), suite.Attribute("failures")!.Value);
            Assert.Equal(run.Failed.Order(StringComparer.Ordinal), cases.Where(c => c.Element("failure") is not null).Select(c => c.Attribute("name")!.Value).Order(StringComparer.Ordinal));
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Fact]
    public async Task a_missing_option_or_token_or_an_unreachable_server_exits_2()
    {
        var noUrl = await KitRun.RunAsync("--case-type", "X", "--jurisdiction", "J", "--user-token", "u", "--service-token", "s");
        var noToken = await KitRun.RunAsync("--base-url", "http://127.0.0.1:9/", "--case-type", "X", "--jurisdiction", "J", "--user-token-command", "true", "--service-token", "s");
        var unreachable = await KitRun.RunAsync("--base-url", "http://127.0.0.1:9/", "--case-type", "X", "--jurisdiction", "J", "--user-token", "u", "--service-token", "s");

        Assert.Equal(2, noUrl.ExitCode);
        Assert.Equal(2, noToken.ExitCode);
        Assert.Contains("user token command", noToken.Error, StringComparison.Ordinal);
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Contains("could not be reached", unreachable.Error, StringComparison.Ordinal);
    }
}
