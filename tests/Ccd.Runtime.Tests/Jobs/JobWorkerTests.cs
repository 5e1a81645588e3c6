using System.Text.Json.Nodes;
using Ccd.Runtime.Commands;
using Ccd.Runtime.Jobs;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Jobs;

public sealed class JobWorkerTests(PostgresServer postgres)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<JobTestSupport> SupportAsync() =>
        new(NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync()));

    [Fact]
    public async Task a_due_job_runs_once_and_is_marked_done()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("record", "event-1:record", new JsonObject { ["n"] = 1 });
        var worker = jobs.Worker();

        Assert.Equal(1, await worker.RunDueAsync(Token));
        Assert.Equal(0, await worker.RunDueAsync(Token));

        Assert.Equal([(id, 1)], jobs.Log.Runs);
        var job = await jobs.JobAsync(id);
        Assert.Equal(("done", 1), (job.Status, job.Attempts));
    }

    [Fact]
    public async Task a_job_is_invisible_to_workers_until_its_event_commits()
    {
        var jobs = await SupportAsync();
        var worker = jobs.Worker();
        await using var connection = await jobs.DataSource.OpenConnectionAsync(Token);
        await using var transaction = await connection.BeginTransactionAsync(Token);
        await JobQueue.EnqueueAsync(connection, transaction, "record", new JsonObject(), "event-1:record", null, jobs.Clock.GetUtcNow().UtcDateTime, Token);

        Assert.Equal(0, await worker.RunDueAsync(Token));
        await transaction.CommitAsync(Token);
        Assert.Equal(1, await worker.RunDueAsync(Token));
        Assert.Single(jobs.Log.Runs);
    }

    [Fact]
    public async Task a_failing_job_retries_with_growing_capped_delays_then_fails_with_its_last_error()
    {
        var jobs = await SupportAsync();
        var worker = jobs.Worker(new JobOptions { MaxAttempts = 4, BaseDelaySeconds = 10, MaxDelaySeconds = 25 });
        var id = await jobs.EnqueueAsync("fail", "event-1:fail");
        var waits = new List<TimeSpan>();

        Assert.Equal(1, await worker.RunDueAsync(Token));
        for (var attempt = 2; attempt <= 4; attempt++)
        {
            var queued = await jobs.JobAsync(id);
            Assert.Equal("queued", queued.Status);
            var wait = queued.NextAttemptAt - jobs.Clock.GetUtcNow().UtcDateTime;
            waits.Add(wait);

            jobs.Clock.Advance(wait - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await worker.RunDueAsync(Token)); // not due a second early
            jobs.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, await worker.RunDueAsync(Token));
        }

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(25)], waits);
        var failed = await jobs.JobAsync(id);
        Assert.Equal(("failed", 4), (failed.Status, failed.Attempts));
        Assert.Equal("System.InvalidOperationException: mail server refused attempt 4", failed.LastError);
        jobs.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await worker.RunDueAsync(Token));
        Assert.Equal([1, 2, 3, 4], jobs.Log.Runs.Select(run => run.Attempt));
    }

    [Fact]
    public async Task jobs_retry_runs_a_failed_job_again()
    {
        var jobs = await SupportAsync();
        var worker = jobs.Worker(new JobOptions { MaxAttempts = 1 });
        var id = await jobs.EnqueueAsync("fail", "event-1:fail");
        await worker.RunDueAsync(Token);
        Assert.Equal("failed", (await jobs.JobAsync(id)).Status);

        var listed = new StringWriter();
        await JobsCommand.ListAsync(new JobStore(jobs.DataSource), failedOnly: true, listed, Token);
        Assert.Contains($"{id}\tfail\tfailed\t1\t", listed.ToString(), StringComparison.Ordinal);
        Assert.Contains("mail server refused attempt 1", listed.ToString(), StringComparison.Ordinal);

        jobs.Log.FailWhileTrue = false;
        var exit = await JobsCommand.RetryAsync(new JobStore(jobs.DataSource), id, jobs.Clock.GetUtcNow().UtcDateTime, TextWriter.Null, TextWriter.Null, Token);

        Assert.Equal(0, exit);
        Assert.Equal(1, await worker.RunDueAsync(Token));
        var done = await jobs.JobAsync(id);
        Assert.Equal(("done", 1), (done.Status, done.Attempts));
        Assert.Equal(2, jobs.Log.Runs.Count);
    }

    [Fact]
    public async Task jobs_retry_refuses_an_unknown_or_done_job()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("record", "event-1:record");
        await jobs.Worker().RunDueAsync(Token);
        var errors = new StringWriter();
        var store = new JobStore(jobs.DataSource);

        Assert.Equal(1, await JobsCommand.RetryAsync(store, id, jobs.Clock.GetUtcNow().UtcDateTime, TextWriter.Null, errors, Token));
        Assert.Equal(1, await JobsCommand.RetryAsync(store, id + 1000, jobs.Clock.GetUtcNow().UtcDateTime, TextWriter.Null, errors, Token));

        Assert.Equal($"error: job {id} is done; only a failed or queued job can be retried\nerror: there is no job {id + 1000}\n", errors.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task a_job_of_an_unregistered_kind_fails_naming_the_kind()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("send-fax", "event-1:send-fax");

        await jobs.Worker(new JobOptions { MaxAttempts = 1 }).RunDueAsync(Token);

        var job = await jobs.JobAsync(id);
        Assert.Equal("failed", job.Status);
        Assert.Equal("System.InvalidOperationException: No handler is registered for job kind 'send-fax'.", job.LastError);
    }

    [Fact]
    public async Task a_job_claimed_by_a_worker_that_crashed_is_run_by_another_after_the_lease()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("record", "event-1:record");
        // The crashed worker: it claimed the job and then vanished without finishing or releasing it.
        var (crashed, _) = await new JobStore(jobs.DataSource).ClaimAsync(jobs.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromSeconds(60), 10, 10, Token);
        Assert.Single(crashed);
        var survivor = jobs.Worker(new JobOptions { LeaseSeconds = 60 });

        jobs.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, await survivor.RunDueAsync(Token));
        jobs.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await survivor.RunDueAsync(Token));

        Assert.Equal([(id, 2)], jobs.Log.Runs);
        Assert.Equal("done", (await jobs.JobAsync(id)).Status);
    }

    [Fact]
    public async Task a_worker_stopped_mid_job_hands_it_back_and_another_worker_runs_it_at_once()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("block", "event-1:block");
        using var stopping = new CancellationTokenSource();
        var first = jobs.Worker().RunDueAsync(stopping.Token);
        await jobs.Log.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);

        await stopping.CancelAsync();
        await first.WaitAsync(TimeSpan.FromSeconds(30), Token);
        var released = await jobs.JobAsync(id);
        Assert.Equal(("queued", 0), (released.Status, released.Attempts));

        jobs.Log.Release.SetResult();
        Assert.Equal(1, await jobs.Worker().RunDueAsync(Token));
        var done = await jobs.JobAsync(id);
        Assert.Equal(("done", 1), (done.Status, done.Attempts));
    }

    [Fact]
    public async Task a_handler_that_outlives_its_lease_is_cancelled_before_another_worker_may_claim_the_job()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("block", "event-1:block");
        var options = new JobOptions { LeaseSeconds = 60, BaseDelaySeconds = 5 };
        var slow = jobs.Worker(options).RunDueAsync(Token);
        await jobs.Log.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);

        jobs.Clock.Advance(TimeSpan.FromSeconds(60));
        await slow.WaitAsync(TimeSpan.FromSeconds(30), Token);

        var job = await jobs.JobAsync(id);
        Assert.Equal("queued", job.Status);
        Assert.Equal("The attempt outlived its lease of 60 s and was cancelled.", job.LastError);
        Assert.Equal(JobTestSupport.At(TimeSpan.FromSeconds(65)), job.NextAttemptAt);
        Assert.False(jobs.Log.Overlapped);
    }

    [Fact]
    public async Task a_hung_attempt_is_abandoned_at_its_lease_and_its_late_end_does_not_overwrite_the_attempt_that_took_over()
    {
        var jobs = await SupportAsync();
        var id = await jobs.EnqueueAsync("hang", "event-1:hang");
        var options = new JobOptions { LeaseSeconds = 60, MaxAttempts = 2, BaseDelaySeconds = 5 };
        var hung = jobs.Worker(options).RunDueAsync(Token);
        await jobs.Log.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        jobs.Clock.Advance(TimeSpan.FromSeconds(60));

        // The worker gives the attempt up at the lease although the handler ignores cancellation.
        await hung.WaitAsync(TimeSpan.FromSeconds(30), Token);
        var abandoned = await jobs.JobAsync(id);
        Assert.Equal(("queued", 1, "The attempt outlived its lease of 60 s and was cancelled."), (abandoned.Status, abandoned.Attempts, abandoned.LastError));

        // Another worker runs attempt 2 and finishes it; only then does the hung call return.
        jobs.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await jobs.Worker(options).RunDueAsync(Token));
        jobs.Log.Release.SetResult();
        await Task.Delay(100, Token); // gives the abandoned handler's end a chance to do harm (it must not)

        var job = await jobs.JobAsync(id);
        Assert.Equal(("done", 2), (job.Status, job.Attempts));
    }

    [Fact]
    public async Task two_workers_draining_the_same_queue_never_run_one_job_twice()
    {
        var jobs = await SupportAsync();
        for (var i = 0; i < 40; i++)
        {
            await jobs.EnqueueAsync("record", $"event-{i}:record");
        }

        var options = new JobOptions { BatchSize = 3 };
        var workers = new[] { jobs.Worker(options), jobs.Worker(options) };

        var claimed = await Task.WhenAll(workers.Select(async worker =>
        {
            var total = 0;
            for (int ran; (ran = await worker.RunDueAsync(Token)) > 0;)
            {
                total += ran;
            }

            return total;
        }));

        Assert.Equal(40, claimed.Sum());
        Assert.Equal(40, jobs.Log.Runs.Select(run => run.Id).Distinct().Count());
        Assert.Equal(40, jobs.Log.Runs.Count);
        Assert.False(jobs.Log.Overlapped);
    }
}
