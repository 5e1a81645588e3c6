using System.Collections.Concurrent;
using Ccd.Runtime.Database;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccd.Runtime.Workers;

/// <summary>
/// Runs every long-running loop of the runtime (indexing and its listener, publishing, jobs and their listener,
/// queue samplers). When a loop throws, or returns while the service is still running, the supervisor logs it with
/// the loop's name, counts it in <c>ccd.worker.restarts</c>, and starts the loop again after a growing pause
/// (<see cref="Backoff"/>, timed by the injected clock). Readiness reads the loops' states from here.
/// </summary>
internal sealed partial class WorkerSupervisor : IDisposable
{
    private readonly ConcurrentDictionary<string, LoopState> _loops = new(StringComparer.Ordinal);
    private readonly WorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkerSupervisor> _logger;

    public WorkerSupervisor(WorkerOptions options, TimeProvider time, ILogger<WorkerSupervisor> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        WorkerMetrics.Track(this);
    }

    public WorkerOptions Options => _options;

    /// <summary>The loops run so far, with their state now.</summary>
    public IReadOnlyList<LoopSnapshot> Snapshot()
    {
        var now = _time.GetUtcNow();
        return _loops.Values.Select(loop => loop.Snapshot(now, _options.DegradedWindow)).OrderBy(loop => loop.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Runs <paramref name="body"/> as the loop <paramref name="name"/> until <paramref name="stoppingToken"/> fires,
    /// restarting it after every failure. Returns only when the service stops.
    /// </summary>
    public async Task RunAsync(string name, Func<CancellationToken, Task> body, CancellationToken stoppingToken)
    {
        var state = _loops.GetOrAdd(name, loop => new LoopState(loop));
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = _time.GetUtcNow();
            state.Started();
            Exception failure;
            try
            {
                // Yield first, so a loop that throws before its first await still runs (and fails) here.
                await Task.Yield();
                await body(stoppingToken);
                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                failure = new InvalidOperationException("The loop returned while the service was still running.");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The supervisor exists to catch whatever a loop throws.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = exception;
            }

            var now = _time.GetUtcNow();
            failures = now - started >= _options.StableAfter ? 1 : failures + 1;
            var pause = Backoff.After(failures, _options.FirstRestartPause, _options.MaxRestartPause);
            WorkerMetrics.RecordRestart(name);
            Log(name, failure, failures, pause);

            // The pause's timer exists before the loop is seen down, so a clock moved by then moves the pause too.
            var restart = Task.Delay(pause, _time, stoppingToken);
            state.Failed(now, ExceptionText.Describe(failure), now + pause);
            try
            {
                await restart;
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        state.Stopped();
    }

    public void Dispose() => WorkerMetrics.Untrack(this);

    private void Log(string name, Exception failure, int failures, TimeSpan pause)
    {
        try
        {
            if (IsDatabaseOutage(failure))
            {
                LogDatabaseUnavailable(name, failure.GetType().Name, failures, pause);
            }
            else
            {
                LogFailed(failure, name, failures, pause);
            }
        }
#pragma warning disable CA1031 // An exception that cannot even be written (its message throws) must not end the supervisor.
        catch (Exception)
#pragma warning restore CA1031
        {
            LogUnprintable(name, ExceptionText.Describe(failure), failures, pause);
        }
    }

    // A timeout or broken socket means the database only when Npgsql raised it; Elasticsearch's or the broker's are loop faults like any other.
    private static bool IsDatabaseOutage(Exception failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException)
            {
                return DatabaseErrors.IsUnavailable(failure);
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Background loop {Loop} failed ({Failures} in a row); it restarts in {Pause}.")]
    private partial void LogFailed(Exception exception, string loop, int failures, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Background loop {Loop} failed ({Error}, {Failures} in a row); it restarts in {Pause}.")]
    private partial void LogUnprintable(string loop, string error, int failures, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background loop {Loop} stopped: the database is unavailable ({Error}, {Failures} in a row); it restarts in {Pause}.")]
    private partial void LogDatabaseUnavailable(string loop, string error, int failures, TimeSpan pause);
}
