using Ccd.Runtime.Commands;
using System.CommandLine;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Ccd.Runtime.Tests.Hosting;

/// <summary>The runtime's options: bound from the <c>Ccd</c> section, then the <c>configure</c> delegate of <c>AddCcdRuntime</c>, validated when the application runs.</summary>
public sealed class CcdOptionsTests
{
    [Fact]
    public void the_configure_delegate_runs_after_the_bound_configuration()
    {
        var builder = WebApplication.CreateBuilder(["--APP_ENV=TEST", "--Ccd:Database:CommandTimeoutSeconds=7", "--Ccd:Database:ConnectTimeoutSeconds=3"]);
        builder.AddCcdRuntime(options => options.Database.ConnectTimeoutSeconds = 9);
        using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptions<CcdOptions>>().Value;

        Assert.Equal(7, options.Database.CommandTimeoutSeconds);
        Assert.Equal(9, options.Database.ConnectTimeoutSeconds);
    }

    [Fact]
    public async Task a_bad_value_stops_a_command_before_it_connects_with_one_line_naming_the_key()
    {
        // Nothing listens on port 1: the command would fail differently if it got as far as the database.
        string[] args = ["migrate", "--APP_ENV=TEST", "--TEST_DATABASE_URL=postgres://app:pw@127.0.0.1:1/none",
            $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}", "--Ccd:Database:MaxPoolSize=20"];
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCcdRuntime(options => options.Database.MaxPoolSize *= 100);
        var app = builder.Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await app.RunCcdAsync(args, new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(2, exitCode);
        Assert.Equal("error: Ccd:Database:MaxPoolSize must be between 1 and 1000.", error.ToString().Trim());
        Assert.Empty(output.ToString());
    }

    /// <summary>Every section follows the one pattern: bound, registered without throwing, checked when a command runs.</summary>
    [Theory]
    [InlineData("Ccd:Jobs:BatchSize", "0", "error: Ccd:Jobs:BatchSize must be between 1 and 1000.")]
    [InlineData("Ccd:Workers:DegradedRestarts", "0", "error: Ccd:Workers:DegradedRestarts is 0; it must be between 1 and 1000.")]
    [InlineData("Ccd:Elasticsearch:BatchSize", "0", "error: Ccd:Elasticsearch:BatchSize is 0; it must be between 1 and 10000.")]
    [InlineData("Ccd:Publishing:ParkAfterFailures", "0", "error: Ccd:Publishing:ParkAfterFailures must be between 1 and 1000.")]
    [InlineData("Ccd:Retention:MaximumShare", "5", "error: Ccd:Retention:MaximumShare must be a share above 0 and at most 1 (0.05 is 5%), not 5")]
    [InlineData("Ccd:CentralCcd:DataStoreUrl", "http://127.0.0.1:9/", "error: Ccd:CentralCcd:IdamUrl is not set.")]
    [InlineData("Ccd:Jobs:PollSeconds", "often", "error: Ccd:Jobs is invalid: Failed to convert configuration value")]
    public async Task a_bad_value_of_any_section_stops_a_command_with_one_line_naming_the_key(string key, string value, string expected)
    {
        string[] args = ["migrate", "--APP_ENV=TEST", "--TEST_DATABASE_URL=postgres://app:pw@127.0.0.1:1/none",
            $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}", $"--{key}={value}"];
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCcdRuntime();
        var app = builder.Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await app.RunCcdAsync(args, new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.ToString().Trim().Split('\n'));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.Contains(key[..key.LastIndexOf(':')], line, StringComparison.Ordinal); // the section, and (above) the key at fault
        Assert.Empty(output.ToString());
    }
}
