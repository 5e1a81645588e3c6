using Ccd.Runtime.Database;
using Ccd.Runtime.Telemetry;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccd.Runtime.Jobs;

/// <summary>
/// Runs due jobs: claims a batch under a lease, runs each job's handler, then marks it done, or schedules a retry
/// with capped exponential back-off, or after the last attempt marks it failed with its error. Woken by the
/// NOTIFY of a committed job and otherwise by polling, so several replicas share the work through the table alone.
/// The claim loop and the listener run under the <see cref="WorkerSupervisor"/>. An attempt that outlives its lease
/// is abandoned (counted as failed) even if its handler ignores cancellation, so a hung handler never holds the loop.
/// </summary>
internal sealed partial class JobWorker : BackgroundService
{
    private const int MaxErrorLength = 4000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource? _listenSource;
    private readonly JobStore _store;
    private readonly IServiceScopeFactory _scopes;
    private readonly JobKinds _kinds;
    private readonly JobOptions _options;
    private readonly JobMetrics _metrics;
    private readonly WorkerSupervisor _supervisor;
    private readonly TimeProvider _time;
    private readonly ILogger<JobWorker> _logger;
    private TaskCompletionSource _wake = NewSignal();
    private DateTimeOffset _metricsMeasuredAt = DateTimeOffset.MinValue;

    public JobWorker(
        NpgsqlDataSource dataSource,
        IServiceScopeFactory scopes,
        IEnumerable<JobHandlerRegistration> registrations,
        JobOptions options,
        JobMetrics metrics,
        WorkerSupervisor supervisor,
        TimeProvider time,
        ILogger<JobWorker> logger,
        ListenDataSource? listen = null)
    {
        _supervisor = supervisor;
        _dataSource = dataSource;
        _listenSource = listen is null ? dataSource : listen.DataSource;
        _store = new JobStore(dataSource);
        _scopes = scopes;
        _kinds = new JobKinds(registrations);
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Claims the jobs due now (at most one batch), runs them concurrently and records each outcome; returns how many were claimed.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken) =>
        (await RunDueBatchAsync(cancellationToken)).Count(outcome => outcome.Result != JobAttemptResult.LeaseExpired);

    /// <summary>
    /// As <see cref="RunDueAsync"/>, answering each outcome: the jobs claimed and run, and before them the due jobs
    /// failed without running because their last attempt outlived its lease.
    /// </summary>
    public async Task<IReadOnlyList<JobAttemptOutcome>> RunDueBatchAsync(CancellationToken cancellationToken)
    {
        var (jobs, exhausted) = await _store.ClaimAsync(Now(), _options.Lease, _options.BatchSize, _options.MaxAttempts, cancellationToken);
        var outcomes = new List<JobAttemptOutcome>(exhausted.Count + jobs.Count);
        foreach (var (id, kind, attempts, caseReference, error) in exhausted)
        {
            JobMetrics.RecordFailedAttempt(kind, final: true);
            LogExhaustedByLease(id, kind, attempts);
            outcomes.Add(new JobAttemptOutcome(id, kind, caseReference, attempts, JobAttemptResult.LeaseExpired, error));
        }

        outcomes.AddRange(await Task.WhenAll(jobs.Select(job => RunAsync(job, cancellationToken))));
        return outcomes;
    }

    /// <summary>Makes a waiting worker look for due jobs now.</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, NewSignal()).TrySetResult();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(
            _supervisor.RunAsync("jobs", WorkAsync, stoppingToken),
            _supervisor.RunAsync("jobs-listener", ListenAsync, stoppingToken));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before looking, so a commit announced while the batch runs is not missed.
            var woken = Volatile.Read(ref _wake).Task;
            var claimed = await RunDueAsync(stoppingToken);
            await MeasureAsync(stoppingToken);
            if (claimed < _options.BatchSize)
            {
                await WaitAsync(woken, stoppingToken);
            }
        }
    }

    public override void Dispose()
    {
        _metrics.Dispose();
        base.Dispose();
    }

    private async Task<JobAttemptOutcome> RunAsync(ClaimedJob job, CancellationToken stoppingToken)
    {
        // The handler is cancelled when its lease runs out, because another worker may then claim the job.
        using var lease = new CancellationTokenSource(_options.Lease, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Token);
        using var activity = CcdTelemetry.ActivitySource.StartActivity("job " + job.Kind);
        activity?.SetTag("ccd.job.id", job.Id);
        activity?.SetTag("ccd.job.attempt", job.Attempt);
        try
        {
            var registration = _kinds.ForKind(job.Kind)
                ?? throw new InvalidOperationException($"No handler is registered for job kind '{job.Kind}'.");
            await using var scope = _scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService(registration.HandlerType);
            var context = new JobContext(job.Id, job.Kind, job.IdempotencyKey, job.CaseReference, job.Attempt);
            // Waiting is bounded by the lease even when the handler ignores its token: past the lease the attempt
            // is over (another worker may run the job), and this worker goes on with its other work.
            // Run off this loop's thread (a handler may block before its first await); awaited inside, so a handler that
            // returns a null task, or whose job's stored JSON no longer reads as its type, fails its attempt like any other error.
            var attempt = Task.Run(async () => await registration.RunAsync(handler, job.Payload, context, linked.Token), CancellationToken.None);
            try
            {
                await attempt.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!attempt.IsCompleted)
            {
                _ = attempt.ContinueWith(abandoned => _ = abandoned.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await _store.ReleaseAsync(job, Now(), CancellationToken.None);
            LogReleased(job.Id, job.Kind);
            return Outcome(job, JobAttemptResult.Released);
        }
        catch (Exception exception)
        {
            var error = lease.IsCancellationRequested
                ? $"The attempt outlived its lease of {_options.LeaseSeconds} s and was cancelled."
                : ExceptionText.Describe(exception, MaxErrorLength);
            return await RecordFailureAsync(job, error, exception);
        }

        // Recorded even when the service is stopping: the work is done and must not run again.
        if (await _store.CompleteAsync(job, Now(), CancellationToken.None))
        {
            JobMetrics.RecordCompleted(job.Kind);
            LogCompleted(job.Id, job.Kind, job.Attempt);
            return Outcome(job, JobAttemptResult.Done);
        }

        LogLeaseLost(job.Id, job.Kind);
        return Outcome(job, JobAttemptResult.LeaseLost);
    }

    private static JobAttemptOutcome Outcome(ClaimedJob job, JobAttemptResult result, string? error = null) =>
        new(job.Id, job.Kind, job.CaseReference, job.Attempt, result, error);

    private async Task<JobAttemptOutcome> RecordFailureAsync(ClaimedJob job, string error, Exception exception)
    {
        var now = Now();
        var final = job.Attempt >= _options.MaxAttempts;
        var next = final ? now : now + _options.DelayAfter(job.Attempt);
        error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        var recorded = await _store.FailAsync(job, now, next, final, error, CancellationToken.None);
        if (!recorded)
        {
            LogLeaseLost(job.Id, job.Kind);
            return Outcome(job, JobAttemptResult.LeaseLost, error);
        }

        JobMetrics.RecordFailedAttempt(job.Kind, final);
        if (final)
        {
            LogFailed(exception, job.Id, job.Kind, job.Attempt);
        }
        else
        {
            LogRetrying(exception, job.Id, job.Kind, job.Attempt, next);
        }

        return Outcome(job, final ? JobAttemptResult.Failed : JobAttemptResult.Retrying, error);
    }

    private async Task MeasureAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now - _metricsMeasuredAt < _options.Poll)
        {
            return;
        }

        _metrics.Update(await _store.StatsAsync(DatabaseClock.ToStored(now.UtcDateTime), cancellationToken));
        _metricsMeasuredAt = now;
    }

    private async Task WaitAsync(Task woken, CancellationToken stoppingToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var poll = Task.Delay(_options.Poll, _time, stopWaiting.Token);
        await Task.WhenAny(woken, poll);
        await stopWaiting.CancelAsync(); // releases the poll timer when a NOTIFY came first
    }

    // Jobs committed while nobody listened are found by the wake-ups the listener gives when it (re)connects or stops.
    private Task ListenAsync(CancellationToken stoppingToken) =>
        NotificationListener.RunAsync(_listenSource, JobQueue.NotifyChannel, Wake, stoppingToken);

    private DateTime Now() => DatabaseClock.Now(_time);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) done on attempt {Attempt}.")]
    private partial void LogCompleted(long jobId, string kind, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) attempt {Attempt} failed; next attempt at {NextAttemptAt:o}.")]
    private partial void LogRetrying(Exception exception, long jobId, string kind, int attempt, DateTime nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) failed for good after {Attempt} attempts; `jobs retry {JobId}` runs it again.")]
    private partial void LogFailed(Exception exception, long jobId, string kind, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) was re-claimed by another worker after its lease ran out; this worker's outcome is dropped.")]
    private partial void LogLeaseLost(long jobId, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) was interrupted by shutdown and handed back to the queue.")]
    private partial void LogReleased(long jobId, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({Kind}) failed for good: attempt {Attempt}, its last, did not finish within its lease (its worker crashed, was killed or hung); `jobs retry {JobId}` runs it again.")]
    private partial void LogExhaustedByLease(long jobId, string kind, int attempt);
}
