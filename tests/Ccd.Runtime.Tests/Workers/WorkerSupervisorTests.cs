using System.Diagnostics.Metrics;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Workers;

/// <summary>The supervisor on a fake clock: restarts after growing, capped pauses; readiness while down and while flapping; the metric.</summary>
public sealed class WorkerSupervisorTests
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static WorkerOptions Options => new()
    {
        FirstRestartPauseMilliseconds = 1000,
        MaxRestartPauseSeconds = 4,
        StableAfterSeconds = 60,
        DegradedRestarts = 3,
        DegradedWindowSeconds = 600,
    };

    [Fact]
    public async Task a_failing_loop_is_restarted_after_growing_capped_pauses_and_readiness_reports_it_down_then_degraded_then_healthy()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        using var supervisor = new WorkerSupervisor(Options, clock, NullLogger<WorkerSupervisor>.Instance);
        var check = new WorkersHealthCheck(supervisor);
        var starts = new List<DateTimeOffset>();
        var failing = true;
        var running = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource();
        long restarts = 0;
        using var listener = ListenToRestarts("test-loop", value => Interlocked.Add(ref restarts, value));

        var loop = supervisor.RunAsync("test-loop", async token =>
        {
            lock (starts)
            {
                starts.Add(clock.GetUtcNow());
            }

            running.Release();
            if (Volatile.Read(ref failing))
            {
                throw new FormatException("a remote answer it did not expect");
            }

            await Task.Delay(Timeout.Infinite, token);
        }, stop.Token);

        // Fails at once; down (Unhealthy) for 1 s, 2 s, 4 s, 4 s (the cap) between starts.
        await running.WaitAsync(Ceiling, Token);
        foreach (var pause in new[] { 1, 2, 4, 4 })
        {
            await WaitForStatusAsync(supervisor, LoopStatus.Down);
            Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext(), Token)).Status);
            clock.Advance(TimeSpan.FromSeconds(pause) - TimeSpan.FromMilliseconds(1));
            Assert.False(await running.WaitAsync(TimeSpan.FromMilliseconds(50), Token), $"restarted before its pause of {pause} s");
            if (pause == 4 && starts.Count == 4)
            {
                Volatile.Write(ref failing, false); // the fifth start succeeds and keeps running
            }

            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(await running.WaitAsync(Ceiling, Token), $"restarted after its pause of {pause} s");
        }

        await WaitForStatusAsync(supervisor, LoopStatus.Running);
        var snapshot = Assert.Single(supervisor.Snapshot());
        Assert.Equal((4, 4L), (snapshot.RecentRestarts, snapshot.TotalRestarts));
        Assert.StartsWith("System.FormatException: a remote answer it did not expect", snapshot.LastError, StringComparison.Ordinal);
        Assert.Equal(4, Interlocked.Read(ref restarts));
        var degraded = await check.CheckHealthAsync(new HealthCheckContext(), Token);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("test-loop 4 times", degraded.Description, StringComparison.Ordinal);

        // Once the restarts are older than the window, it is healthy again.
        clock.Advance(TimeSpan.FromSeconds(600));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), Token)).Status);

        await stop.CancelAsync();
        await loop.WaitAsync(Ceiling, Token);
        Assert.Equal(LoopStatus.Stopped, Assert.Single(supervisor.Snapshot()).Status);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), Token)).Status);
    }

    [Fact]
    public async Task a_loop_that_returns_while_the_service_runs_or_throws_before_any_await_is_restarted_too_and_a_stable_run_resets_the_pause()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        using var supervisor = new WorkerSupervisor(Options, clock, NullLogger<WorkerSupervisor>.Instance);
        var runs = 0;
        var started = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource();

        var loop = supervisor.RunAsync("returning-loop", token =>
        {
            var run = Interlocked.Increment(ref runs);
            try
            {
                return run switch
                {
                    1 => Task.CompletedTask,                                     // returned: restarted after 1 s
                    2 => throw new InvalidOperationException("synchronous"),     // thrown before any task: restarted after 2 s
                    3 => RunThenFailAsync(clock, TimeSpan.FromSeconds(60), token), // ran stably for 60 s, then failed: back to 1 s
                    _ => Task.Delay(Timeout.Infinite, token),
                };
            }
            finally
            {
                // After the run's own timer exists, so the test moves the clock only once it is waited on.
                started.Release();
            }
        }, stop.Token);

        await started.WaitAsync(Ceiling, Token);
        await WaitForStatusAsync(supervisor, LoopStatus.Down);
        clock.Advance(TimeSpan.FromSeconds(1));
        await started.WaitAsync(Ceiling, Token);
        await WaitForStatusAsync(supervisor, LoopStatus.Down);
        clock.Advance(TimeSpan.FromSeconds(2));
        await started.WaitAsync(Ceiling, Token);
        clock.Advance(TimeSpan.FromSeconds(60));
        await WaitForStatusAsync(supervisor, LoopStatus.Down);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(1), Assert.Single(supervisor.Snapshot()).RestartAt);
        clock.Advance(TimeSpan.FromSeconds(1));
        await started.WaitAsync(Ceiling, Token);
        await WaitForStatusAsync(supervisor, LoopStatus.Running);
        Assert.Equal(3, Assert.Single(supervisor.Snapshot()).TotalRestarts);

        await stop.CancelAsync();
        await loop.WaitAsync(Ceiling, Token);
    }

    [Fact]
    public async Task a_loop_failing_with_an_exception_that_cannot_be_printed_is_still_logged_counted_and_restarted()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var lines = new List<string>();
        using var logging = LoggerFactory.Create(builder => builder.AddProvider(new PrintingLoggerProvider(lines)));
        using var supervisor = new WorkerSupervisor(Options, clock, logging.CreateLogger<WorkerSupervisor>());
        var runs = 0;
        var started = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource();

        var loop = supervisor.RunAsync("unprintable-loop", async token =>
        {
            var run = Interlocked.Increment(ref runs);
            started.Release();
            if (run == 1)
            {
                throw new MessageThrowsException();
            }

            await Task.Delay(Timeout.Infinite, token);
        }, stop.Token);

        await started.WaitAsync(Ceiling, Token);
        await WaitForStatusAsync(supervisor, LoopStatus.Down);
        clock.Advance(TimeSpan.FromSeconds(1));
        await started.WaitAsync(Ceiling, Token);
        await WaitForStatusAsync(supervisor, LoopStatus.Running);

        Assert.Equal(1, Assert.Single(supervisor.Snapshot()).TotalRestarts);
        lock (lines)
        {
            Assert.Contains(lines, line => line.Contains("unprintable-loop", StringComparison.Ordinal) && line.Contains("MessageThrowsException", StringComparison.Ordinal));
        }

        await stop.CancelAsync();
        await loop.WaitAsync(Ceiling, Token);
    }

    [Fact]
    public void the_one_back_off_doubles_from_its_first_pause_and_stops_at_its_cap()
    {
        var first = TimeSpan.FromMilliseconds(250);
        var max = TimeSpan.FromSeconds(4);
        Assert.Equal(
            [250, 250, 500, 1000, 2000, 4000, 4000, 4000],
            new[] { 0, 1, 2, 3, 4, 5, 6, 1000 }.Select(failures => (int)Backoff.After(failures, first, max).TotalMilliseconds));
    }

    private static async Task RunThenFailAsync(TimeProvider clock, TimeSpan runFor, CancellationToken token)
    {
        await Task.Delay(runFor, clock, token);
        throw new IOException("connection reset after a long run");
    }

    private static async Task WaitForStatusAsync(WorkerSupervisor supervisor, LoopStatus status)
    {
        var deadline = DateTime.UtcNow + Ceiling;
        while (supervisor.Snapshot() is not [{ } loop] || loop.Status != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the loop did not become {status}");
            await Task.Delay(5, Token);
        }
    }

    private static MeterListener ListenToRestarts(string loop, Action<long> add)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Ccd.Runtime" && instrument.Name == "ccd.worker.restarts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "loop" && Equals(tag.Value, loop))
                {
                    add(value);
                }
            }
        });
        listener.Start();
        return listener;
    }
}

/// <summary>An exception whose message cannot be read, as a badly written library might throw.</summary>
internal sealed class MessageThrowsException : Exception
{
    public override string Message => throw new InvalidOperationException("no message");
}

/// <summary>A logger that formats every entry, exception included, as a console logger does.</summary>
internal sealed class PrintingLoggerProvider(List<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new PrintingLogger(lines);

    public void Dispose()
    {
    }

    private sealed class PrintingLogger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception) + (exception is null ? "" : " " + exception);
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
