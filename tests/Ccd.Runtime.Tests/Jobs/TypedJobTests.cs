using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Testing;
using Ccd.Runtime.Tests.Support;
using Ccd.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Jobs;

/// <summary>
/// Typed jobs: an event enqueues a record, the worker hands the record back to the <see cref="IJobHandler{TJob}"/>
/// registered for its type. The hosted worker is off; the test runs the due jobs itself (the harness's RunDueJobsAsync).
/// </summary>
public sealed class TypedJobTests(PostgresServer postgres)
{
    private const string CaseType = "FT_TypedJobs";
    private static readonly CcdUser Officer = new("officer-1", "Olive", "Officer", ["caseworker"], ["BFC"]);
    private static readonly DateTimeOffset Start = new(2026, 3, 5, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly CcdServiceDefinition Host = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime()
            .AddCaseType<TypedCase, TypedState>(CaseType, "TEST", ct => ct.Event("create").Event("note"))
            .AddJobHandler<CaseMail>(),
        ConfigureApp = _ => { },
    };

    private async Task<TestServiceApp> StartAsync(Seen seen, Dictionary<string, string?>? configuration = null)
    {
        configuration ??= [];
        configuration["Ccd:Jobs:Enabled"] = "false";
        return await TestServiceApp.StartAsync(Host, await postgres.CreateDatabaseAsync(), configuration, services =>
        {
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(Start));
            services.AddSingleton(seen);
        });
    }

    private static Task<ServiceEventResult> SubmitAsync(TestServiceApp app, Guid key, Action<EventContext> enqueue) =>
        app.Services.GetRequiredService<ICcdEventSubmitter>().SubmitAsync(
            new ServiceEventRequest(CaseType, "create", null) { Actor = Officer, IdempotencyKey = key },
            (context, _) =>
            {
                enqueue(context);
                return Task.FromResult(ServiceEventOutcome.Ok("Open"));
            },
            Token);

    [Fact]
    public async Task a_job_is_stored_under_its_type_name_and_reaches_the_handler_of_its_type_as_it_was_enqueued()
    {
        var seen = new Seen();
        await using var app = await StartAsync(seen);
        var caseId = Guid.NewGuid();
        var key = Guid.NewGuid();

        var result = await SubmitAsync(app, key, context =>
        {
            context.EnqueueJob(new SendReminder(caseId, new DateOnly(2026, 3, 9), null), "remind-applicant");
            context.EnqueueJob(new CloseCase("withdrawn"), "close");
        });
        var stored = await RowsAsync(app, "SELECT kind || ' ' || payload::text FROM ccd.jobs ORDER BY id");
        var runs = await app.Host.RunDueJobsAsync(Token);

        Assert.True(result.Committed);
        // camelCase members, nulls left out: the runtime's JSON settings.
        Assert.Equal([$$"""SendReminder {"due": "2026-03-09", "caseId": "{{caseId}}"}""", """CloseCase {"reason": "withdrawn"}"""], stored);
        Assert.Equal(
            [("SendReminder", CcdJobOutcome.Done, 1), ("CloseCase", CcdJobOutcome.Done, 1)],
            runs.OrderBy(run => run.Id).Select(run => (run.Kind, run.Outcome, run.Attempt)));
        Assert.All(runs, run => Assert.Equal(result.Reference, run.CaseReference));
        Assert.Equal(new SendReminder(caseId, new DateOnly(2026, 3, 9), null), seen.Jobs.OfType<SendReminder>().Single());
        Assert.Equal(new CloseCase("withdrawn"), seen.Jobs.OfType<CloseCase>().Single());
        Assert.Contains($"SendReminder {key}:remind-applicant", seen.Contexts);
        Assert.Contains($"CloseCase {key}:close", seen.Contexts);
        Assert.Empty(await app.Host.RunDueJobsAsync(Token));
    }

    [Fact]
    public async Task an_event_that_enqueues_a_job_type_without_a_handler_fails_naming_the_type_and_writes_nothing()
    {
        await using var app = await StartAsync(new Seen());

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SubmitAsync(app, Guid.NewGuid(), context => context.EnqueueJob(new Unhandled(1), "orphan")));

        Assert.Equal(
            "Case type FT_TypedJobs, event create: job 'orphan' is a Unhandled, which has no job handler; " +
            "register one with AddJobHandler<THandler>() (THandler implementing IJobHandler<Unhandled>). The event was not written.",
            refusal.Message);
        Assert.Equal(["0 0"], await RowsAsync(app, "SELECT (SELECT count(*) FROM ccd.case_data) || ' ' || (SELECT count(*) FROM ccd.jobs)"));
    }

    [Fact]
    public async Task a_stored_job_that_no_longer_reads_as_its_type_fails_its_attempts_with_the_reason_and_the_other_jobs_run()
    {
        var seen = new Seen();
        await using var app = await StartAsync(seen, new Dictionary<string, string?> { ["Ccd:Jobs:MaxAttempts"] = "2", ["Ccd:Jobs:BaseDelaySeconds"] = "5" });
        var rows = new JobTestSupport(app.Services.GetRequiredService<NpgsqlDataSource>()); // its clock is before the host's: due
        // As a job stored by an older SendReminder would look: a member of another type, or not an object at all.
        var badMember = await rows.EnqueueAsync("SendReminder", "old-1", new JsonObject { ["caseId"] = "not-a-guid", ["due"] = "2026-03-09" });
        var notAnObject = await rows.EnqueueAsync("SendReminder", "old-2", new JsonArray(1, 2));
        var good = await rows.EnqueueAsync("CloseCase", "old-3", new JsonObject { ["reason"] = "done", ["retired"] = true });

        var first = await app.Host.RunDueJobsAsync(Token);
        app.Host.AdvanceTime(TimeSpan.FromSeconds(5));
        var second = await app.Host.RunDueJobsAsync(Token);

        Assert.Equal(
            [(badMember, CcdJobOutcome.Retrying), (notAnObject, CcdJobOutcome.Retrying), (good, CcdJobOutcome.Done)],
            first.OrderBy(run => run.Id).Select(run => (run.Id, run.Outcome)));
        Assert.Equal([(badMember, CcdJobOutcome.Failed, 2), (notAnObject, CcdJobOutcome.Failed, 2)],
            second.OrderBy(run => run.Id).Select(run => (run.Id, run.Outcome, run.Attempt)));
        foreach (var run in second)
        {
            Assert.StartsWith($"System.InvalidOperationException: The payload of job {run.Id} (kind 'SendReminder') cannot be read as SendReminder: ", run.Error, StringComparison.Ordinal);
        }

        Assert.Equal(["failed", "failed", "done"], await RowsAsync(app, "SELECT status FROM ccd.jobs ORDER BY id"));
        Assert.Equal(second.OrderBy(run => run.Id).Select(run => run.Error), await RowsAsync(app, "SELECT last_error FROM ccd.jobs WHERE status = 'failed' ORDER BY id"));
        Assert.Equal(new CloseCase("done"), Assert.Single(seen.Jobs)); // an unknown member is ignored
    }

    [Theory]
    [InlineData("none", "Job handler NotAHandler implements no IJobHandler<TJob>; implement it for the job type it runs.")]
    [InlineData("same-type", "Job type CloseCase already has a handler (CaseMail, kind 'CloseCase'); each job type has exactly one.")]
    [InlineData("same-kind", "Job kind 'CloseCase' already has a handler (CaseMail for CloseCase); each kind has exactly one (give OtherMail's job type Unhandled a kind of its own).")]
    [InlineData("kind-for-two", "Job handler CaseMail runs CloseCase, SendReminder: one kind cannot name several job types; register it without a kind.")]
    public async Task a_job_handler_declaration_mistake_stops_start_up_with_one_line_naming_the_handler(string mistake, string message)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["APP_ENV"] = "TEST";
        builder.Configuration["TEST_DATABASE_URL"] = "Host=127.0.0.1;Port=1;Database=unused";
        builder.Configuration["Ccd:Auth:SigningKey"] = TestTokens.SigningKey;
        var runtime = builder.AddCcdRuntime();
        _ = mistake switch
        {
            "none" => runtime.AddJobHandler<NotAHandler>(),
            "same-type" => runtime.AddJobHandler<CaseMail>().AddJobHandler<CloseCaseAgain>("close-again"),
            "same-kind" => runtime.AddJobHandler<CaseMail>().AddJobHandler<OtherMail>("CloseCase"),
            _ => runtime.AddJobHandler<CaseMail>("mail"),
        };
        await using var app = builder.Build();

        var stopped = await Assert.ThrowsAsync<CcdStartupException>(() => app.StartAsync(Token));

        Assert.Equal(message, stopped.Message);
    }

    private static async Task<List<string>> RowsAsync(TestServiceApp app, string sql)
    {
        await using var command = app.Host.Database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Token);
        var rows = new List<string>();
        while (await reader.ReadAsync(Token))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public sealed record SendReminder(Guid CaseId, DateOnly Due, string? Note);

    public sealed record CloseCase(string Reason);

    public sealed record Unhandled(int N);

    public sealed class Seen
    {
        public ConcurrentBag<object> Jobs { get; } = [];

        public ConcurrentBag<string> Contexts { get; } = [];
    }

    /// <summary>One handler of two job types: each is stored under its own name.</summary>
    private sealed class CaseMail(Seen seen) : IJobHandler<SendReminder>, IJobHandler<CloseCase>
    {
        public Task RunAsync(SendReminder job, JobContext context, CancellationToken cancellationToken) => Record(job, context);

        public Task RunAsync(CloseCase job, JobContext context, CancellationToken cancellationToken) => Record(job, context);

        private Task Record(object job, JobContext context)
        {
            seen.Jobs.Add(job);
            seen.Contexts.Add($"{context.Kind} {context.IdempotencyKey}");
            return Task.CompletedTask;
        }
    }

    private sealed class CloseCaseAgain : IJobHandler<CloseCase>
    {
        public Task RunAsync(CloseCase job, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class OtherMail : IJobHandler<Unhandled>
    {
        public Task RunAsync(Unhandled job, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NotAHandler;
}
