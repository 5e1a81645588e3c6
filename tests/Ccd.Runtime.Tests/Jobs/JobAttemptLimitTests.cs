using System.Text.Json.Nodes;
using Ccd.Runtime.Commands;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Workers;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Jobs;

/// <summary>The attempt limit holds whatever ends an attempt: an exception, a hang past the lease, or a worker that dies.</summary>
public sealed class JobAttemptLimitTests(PostgresServer postgres)
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static JobOptions Options => new() { MaxAttempts = MaxAttempts, LeaseSeconds = 60, BaseDelaySeconds = 5, MaxDelaySeconds = 20 };

    private async Task<JobTestSupport> SupportAsync() => new(NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync()));

    [Fact]
    public async Task a_job_whose_handler_always_throws_is_failed_after_exactly_the_configured_attempts_and_listed_as_failed()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("fail", "event-1:fail");
        var worker = jobs.Worker(Options);

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            Assert.Equal(1, await worker.RunDueAsync(Token));
            jobs.Clock.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(0, await worker.RunDueAsync(Token));
        var job = await jobs.JobAsync(id);
        Assert.Equal(("failed", MaxAttempts, $"System.InvalidOperationException: mail server refused attempt {MaxAttempts}"), (job.Status, job.Attempts, job.LastError));
        Assert.Equal(MaxAttempts, jobs.Log.Runs.Count);
        var listing = new StringWriter();
        await JobsCommand.ListAsync(new JobStore(jobs.DataSource), failedOnly: true, listing, Token);
        Assert.Contains($"{id}\tfail\tfailed\t{MaxAttempts}\t", listing.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_job_whose_handler_hangs_past_its_lease_every_time_is_failed_after_exactly_the_configured_attempts()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("hang-always", "event-1:hang-always");
        var worker = jobs.Worker(Options);

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var run = worker.RunDueAsync(Token);
            await WaitUntilAsync(() => Task.FromResult(jobs.Log.Runs.Count == attempt), $"attempt {attempt} started");
            jobs.Clock.Advance(TimeSpan.FromSeconds(60));
            // The hung handler never returns; the worker gives the attempt up at the lease and goes on.
            Assert.Equal(1, await run.WaitAsync(Ceiling, Token));
            jobs.Clock.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(0, await worker.RunDueAsync(Token));
        var job = await jobs.JobAsync(id);
        Assert.Equal(("failed", MaxAttempts, "The attempt outlived its lease of 60 s and was cancelled."), (job.Status, job.Attempts, job.LastError));
        Assert.Equal(MaxAttempts, jobs.Log.Runs.Count);
    }

    [Fact]
    public async Task a_job_whose_worker_is_killed_mid_attempt_every_time_is_failed_after_exactly_the_configured_attempts()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("record", "event-1:record");
        var store = new JobStore(jobs.DataSource);

        // Each "process" claims the job and dies: no outcome, no release; only the lease ends the attempt.
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (claimed, exhausted) = await store.ClaimAsync(jobs.Clock.GetUtcNow().UtcDateTime, Options.Lease, 10, MaxAttempts, Token);
            Assert.Equal([(id, attempt)], claimed.Select(job => (job.Id, job.Attempt)));
            Assert.Empty(exhausted);
            jobs.Clock.Advance(TimeSpan.FromSeconds(60));
        }

        // The next worker to look does not run it a fourth time: it fails it, saying why.
        Assert.Equal(0, await jobs.Worker(Options).RunDueAsync(Token));
        Assert.Empty(jobs.Log.Runs);
        var job = await jobs.JobAsync(id);
        Assert.Equal(("failed", MaxAttempts), (job.Status, job.Attempts));
        Assert.Equal($"Attempt {MaxAttempts} did not finish within its lease (its worker crashed, was killed or hung).", job.LastError);
        var listing = new StringWriter();
        await JobsCommand.ListAsync(store, failedOnly: true, listing, Token);
        Assert.Contains($"{id}\trecord\tfailed\t{MaxAttempts}\t", listing.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_job_already_past_its_attempt_limit_is_failed_and_not_run_again()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("record", "event-1:record");
        await StoreSeed.ExecuteAsync(jobs.DataSource, $"UPDATE ccd.jobs SET attempts = 51, last_error = 'earlier failure' WHERE id = {id}");

        Assert.Equal(0, await jobs.Worker(new JobOptions { MaxAttempts = 10 }).RunDueAsync(Token));

        Assert.Empty(jobs.Log.Runs);
        var job = await jobs.JobAsync(id);
        Assert.Equal(("failed", 51, "earlier failure"), (job.Status, job.Attempts, job.LastError));
    }

    [Fact]
    public async Task a_handler_throwing_any_kind_of_exception_fails_only_its_attempt_and_the_running_worker_goes_on_with_later_jobs()
    {
        var jobs = await SupportAsync();
        var services = new ServiceCollection();
        services.AddSingleton(JobHandlerRegistration.For<ThrowingHandler, ThrowJob>("throw", CaseJson.Options));
        services.AddSingleton(JobHandlerRegistration.For<RecordingHandler, RecordJob>("record", CaseJson.Options));
        services.AddSingleton(JobHandlerRegistration.For<UnbuildableHandler, UnbuildableJob>("unbuildable", CaseJson.Options));
        services.AddSingleton(jobs.Log);
        services.AddScoped<ThrowingHandler>();
        services.AddScoped<RecordingHandler>();
        services.AddScoped<UnbuildableHandler>();
        await using var provider = services.BuildServiceProvider();
        using var worker = new JobWorker(
            jobs.DataSource, provider.GetRequiredService<IServiceScopeFactory>(), provider.GetServices<JobHandlerRegistration>(),
            new JobOptions { MaxAttempts = 2, BaseDelaySeconds = 5 }, new JobMetrics(), jobs.Supervisor, jobs.Clock, NullLogger<JobWorker>.Instance);
        var ids = new Dictionary<string, long>();
        foreach (var kind in ThrowingHandler.Kinds)
        {
            ids[kind] = await jobs.EnqueueAsync("throw", $"event-1:{kind}", new JsonObject { ["kind"] = kind });
        }

        ids["unbuildable"] = await jobs.EnqueueAsync("unbuildable", "event-1:unbuildable");
        await worker.StartAsync(Token);
        try
        {
            await WaitUntilAsync(async () => (await StatusesAsync(jobs, ids.Values)).All(s => s == ("queued", 1)), "every first attempt failed");
            jobs.Clock.Advance(TimeSpan.FromSeconds(5));
            worker.Wake();
            await WaitUntilAsync(async () => (await StatusesAsync(jobs, ids.Values)).All(s => s == ("failed", 2)), "every job failed after its second attempt");

            // A later job still runs, at once (woken by its commit), on the same loop.
            var later = await jobs.EnqueueAsync("record", "event-2:record");
            await WaitUntilAsync(async () => (await jobs.JobAsync(later)).Status == "done", "the later job ran");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        foreach (var (kind, id) in ids)
        {
            var job = await jobs.JobAsync(id);
            Assert.False(string.IsNullOrEmpty(job.LastError), kind);
            Assert.Contains(ThrowingHandler.ExpectedType(kind), job.LastError, StringComparison.Ordinal);
        }

        // Nothing escaped to the supervisor: a handler's exception ends its attempt, never the loop.
        Assert.All(jobs.Supervisor.Snapshot(), loop => Assert.Equal(0, loop.TotalRestarts));
    }

    private static async Task<List<(string, int)>> StatusesAsync(JobTestSupport jobs, IEnumerable<long> ids)
    {
        var statuses = new List<(string, int)>();
        foreach (var id in ids)
        {
            var job = await jobs.JobAsync(id);
            statuses.Add((job.Status, job.Attempts));
        }

        return statuses;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Ceiling;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not reached within the ceiling: {what}.");
            await Task.Delay(20, Token);
        }
    }
}

/// <summary>Which exception <see cref="ThrowingHandler"/> throws.</summary>
internal sealed record ThrowJob(string Kind);

/// <summary>Throws, by the job's <see cref="ThrowJob.Kind"/>, one of many kinds of exception, in many ways.</summary>
internal sealed class ThrowingHandler : IJobHandler<ThrowJob>
{
    public static readonly string[] Kinds =
    [
        "invalid-operation", "argument-null", "null-task", "own-cancellation", "task-canceled", "aggregate", "message-throws",
        "synchronous", "out-of-memory", "not-supported", "format", "key-not-found", "object-disposed", "timeout", "npgsql",
    ];

    public static string ExpectedType(string kind) => kind switch
    {
        "invalid-operation" => "InvalidOperationException",
        "argument-null" => "ArgumentNullException",
        "null-task" => "NullReferenceException",
        "own-cancellation" => "OperationCanceledException",
        "task-canceled" => "TaskCanceledException",
        "aggregate" => "AggregateException",
        "message-throws" => "UnreadableMessageException: (the exception's message could not be read)",
        "synchronous" => "ApplicationException",
        "out-of-memory" => "OutOfMemoryException",
        "not-supported" => "NotSupportedException",
        "format" => "FormatException",
        "key-not-found" => "KeyNotFoundException",
        "object-disposed" => "ObjectDisposedException",
        "timeout" => "TimeoutException",
        "npgsql" => "NpgsqlException",
        "unbuildable" => "InvalidOperationException: the handler cannot be built",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public Task RunAsync(ThrowJob job, JobContext context, CancellationToken cancellationToken)
    {
        var kind = job.Kind;
        return kind switch
        {
            "null-task" => null!,
            "synchronous" => throw new ApplicationException("thrown before any task exists"),
            _ => ThrowAsync(kind),
        };
    }

    private static async Task ThrowAsync(string kind)
    {
        await Task.Yield();
        switch (kind)
        {
            case "invalid-operation": throw new InvalidOperationException("bad state");
            case "argument-null": throw new ArgumentNullException(nameof(kind));
            case "own-cancellation":
                using (var own = new CancellationTokenSource())
                {
                    await own.CancelAsync();
                    own.Token.ThrowIfCancellationRequested();
                }

                break;
            case "task-canceled": throw new TaskCanceledException("a call of its own timed out");
            case "aggregate": throw new AggregateException(new InvalidOperationException("one"), new FormatException("two"));
            case "message-throws": throw new UnreadableMessageException();
            case "out-of-memory": throw new OutOfMemoryException("pretend");
            case "not-supported": throw new NotSupportedException("the recipient's channel is not supported");
            case "format": throw new FormatException("bad payload");
            case "key-not-found": throw new KeyNotFoundException("missing");
            case "object-disposed": throw new ObjectDisposedException("client");
            case "timeout": throw new TimeoutException("remote did not answer");
            case "npgsql": throw new NpgsqlException("its own database call failed");
        }
    }
}

/// <summary>An exception whose message cannot even be read.</summary>
internal sealed class UnreadableMessageException : Exception
{
    public override string Message => throw new InvalidOperationException("no message for you");
}

internal sealed record UnbuildableJob;

/// <summary>A handler whose construction fails (a missing dependency, a bad setting).</summary>
internal sealed class UnbuildableHandler : IJobHandler<UnbuildableJob>
{
    public UnbuildableHandler() => throw new InvalidOperationException("the handler cannot be built");

    public Task RunAsync(UnbuildableJob job, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
