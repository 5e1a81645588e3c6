using System.Collections.Concurrent;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Ccd.Runtime.Testing.Tests;

/// <summary>The harness runs a service's due jobs when the test says, and moves the service's clock.</summary>
public sealed class JobAndClockTests(HarnessFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 5, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly CcdServiceDefinition Service = new()
    {
        ConfigureServices = builder =>
        {
            builder.Services.AddSingleton<Outbox>();
            builder.AddCcdRuntime().AddJobHandler<SendReminderHandler>();
        },
        ConfigureApp = _ => { },
    };

    private async Task<CcdTestHost> StartAsync(FakeTimeProvider? time)
    {
        var configuration = HarnessFixture.BlobConfiguration();
        configuration["Ccd:Jobs:Enabled"] = "false"; // jobs run when the test says
        configuration["Ccd:Jobs:BaseDelaySeconds"] = "30";
        return await CcdTestHost.StartAsync(Service, await fixture.Database.CreateDatabaseAsync(), configuration, time: time);
    }

    private static async Task<long> RemindAsync(CcdTestHost host, string to)
    {
        var result = await host.Services.GetRequiredService<ICcdEventSubmitter>().SubmitAsync(
            new ServiceEventRequest("FT_Blob", "create", null) { Actor = new CcdUser("officer-1", "Olive", "Officer", ["caseworker"], []) },
            (context, _) =>
            {
                context.EnqueueJob(new SendReminder(to), "remind");
                return Task.FromResult(ServiceEventOutcome.Ok("Open"));
            },
            Token);
        return result.Reference;
    }

    [Fact]
    public async Task due_jobs_run_when_the_test_says_and_a_failed_one_runs_again_once_the_clock_passes_its_back_off()
    {
        await using var host = await StartAsync(new FakeTimeProvider(Start));
        var outbox = host.Services.GetRequiredService<Outbox>();
        var reference = await RemindAsync(host, "flaky@example.org");
        await RemindAsync(host, "fine@example.org");

        var first = await host.RunDueJobsAsync(Token);
        var again = await host.RunDueJobsAsync(Token);
        host.AdvanceTime(TimeSpan.FromSeconds(29));
        var early = await host.RunDueJobsAsync(Token);
        host.AdvanceTime(TimeSpan.FromSeconds(1));
        var retried = await host.RunDueJobsAsync(Token);

        Assert.Equal(
            [("fine@example.org", CcdJobOutcome.Done), ("flaky@example.org", CcdJobOutcome.Retrying)],
            first.Select(run => (outbox.To[run.Id], run.Outcome)).Order());
        var failed = first.Single(run => run.Outcome == CcdJobOutcome.Retrying);
        Assert.Equal(("SendReminder", reference, 1), (failed.Kind, failed.CaseReference, failed.Attempt));
        Assert.Equal("System.InvalidOperationException: the mail server is away", failed.Error);
        Assert.Empty(again);
        Assert.Empty(early);
        var run = Assert.Single(retried);
        Assert.Equal((failed.Id, CcdJobOutcome.Done, 2, null), (run.Id, run.Outcome, run.Attempt, run.Error));
        Assert.Equal(Start + TimeSpan.FromSeconds(30), host.Time.GetUtcNow());
    }

    [Fact]
    public async Task moving_the_clock_of_a_host_on_the_system_clock_is_refused_saying_how_to_give_it_one()
    {
        await using var host = await StartAsync(time: null);

        var refusal = Assert.Throws<InvalidOperationException>(() => host.AdvanceTime(TimeSpan.FromMinutes(1)));

        Assert.Contains("pass time: new FakeTimeProvider(start) to CcdTestHost.StartAsync", refusal.Message, StringComparison.Ordinal);
    }

    public sealed record SendReminder(string To);

    /// <summary>Who each job wrote to; the address "flaky@…" fails its first attempt.</summary>
    public sealed class Outbox
    {
        public ConcurrentDictionary<long, string> To { get; } = new();
    }

    private sealed class SendReminderHandler(Outbox outbox) : IJobHandler<SendReminder>
    {
        public Task RunAsync(SendReminder job, JobContext context, CancellationToken cancellationToken)
        {
            outbox.To[context.Id] = job.To;
            return job.To.StartsWith("flaky", StringComparison.Ordinal) && context.Attempt == 1
                ? throw new InvalidOperationException("the mail server is away")
                : Task.CompletedTask;
        }
    }
}
