using Adoption.Service.Tests.Hosting;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Retention;

/// <summary>The real service binary: bad configuration stops <c>retention run</c> with one line naming the key, and nothing is done.</summary>
public sealed class RetentionCommandConfigurationTests(PostgresServer postgres)
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("Ccd__Retention__MaximumShare", "5", "error: Ccd:Retention:MaximumShare must be a share above 0 and at most 1")]
    [InlineData("Ccd__Retention__MinimumCandidates", "many", "Ccd:Retention:MinimumCandidates")]
    [InlineData("Ccd__Retention__LocalOnlyCaseTypes__0", " ", "error: Ccd:Retention:LocalOnlyCaseTypes:0 is empty")]
    // A58 is retained through CCD: a CCD client with only its data store set names the first key missing.
    [InlineData("Ccd__CentralCcd__DataStoreUrl", "http://127.0.0.1:9/", "error: Ccd:CentralCcd:IdamUrl is not set")]
    [InlineData("Ccd__CentralCcd__DataStoreUrl", "not a url", "error: Ccd:CentralCcd:DataStoreUrl is not an absolute http(s) address")]
    public async Task bad_configuration_stops_retention_run_with_one_line_naming_the_key(string variable, string value, string expected)
    {
        var environment = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "TEST",
            ["TEST_DATABASE_URL"] = await postgres.CreateEmptyDatabaseAsync(),
            [variable] = value,
        };

        var (exitCode, output, _) = await ServiceBinary.RunAsync(environment, Ceiling, "retention", "run");

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        var error = Assert.Single(output.Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(expected.Replace("error: ", "", StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // one line, not a stack trace
        Assert.DoesNotContain("marked ", output, StringComparison.Ordinal);
    }
}
