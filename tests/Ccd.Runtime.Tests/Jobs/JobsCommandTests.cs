using Ccd.Runtime.Commands;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Jobs;
using Ccd.Testing;
using Npgsql;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Jobs;

/// <summary><c>jobs list</c> and <c>jobs retry</c> through the host's command line, as an operator runs them.</summary>
public sealed class JobsCommandTests(PostgresServer postgres)
{
    private static readonly CcdServiceDefinition Host = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = _ => { },
    };

    [Fact]
    public async Task jobs_retry_on_the_command_line_queues_a_failed_job_and_refuses_an_unknown_one()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var jobs = new JobTestSupport(NpgsqlDataSource.Create(connectionString));
        var id = await jobs.EnqueueAsync("fail", "event-1:fail");
        await jobs.Worker(new JobOptions { MaxAttempts = 1 }).RunDueAsync(TestContext.Current.CancellationToken);
        string[] environment = ["--APP_ENV=TEST", $"--TEST_DATABASE_URL={connectionString}", $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}"];

        var listed = await Host.RunAsync(["jobs", "list", "--failed", .. environment]);
        var retried = await Host.RunAsync(["jobs", "retry", id.ToString(System.Globalization.CultureInfo.InvariantCulture), .. environment]);
        var unknown = await Host.RunAsync(["jobs", "retry", "999999", .. environment]);

        Assert.Equal((0, 0, 1), (listed, retried, unknown));
        var job = await jobs.JobAsync(id);
        Assert.Equal(("queued", 0), (job.Status, job.Attempts));
    }
}
