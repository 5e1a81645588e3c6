using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Jobs;

/// <summary>Enqueues jobs and builds workers on a test database, sharing one fake clock.</summary>
internal sealed class JobTestSupport(NpgsqlDataSource dataSource)
{
    private WorkerSupervisor? _supervisor;

    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    public JobLog Log { get; } = new();

    /// <summary>The supervisor of every worker built here, on the shared clock.</summary>
    public WorkerSupervisor Supervisor => _supervisor ??= new WorkerSupervisor(new WorkerOptions(), Clock, NullLogger<WorkerSupervisor>.Instance);

    public NpgsqlDataSource DataSource => dataSource;

    public async Task<long> EnqueueAsync(string kind, string key, JsonNode? payload = null)
    {
        var token = TestContext.Current.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(token);
        await using var transaction = await connection.BeginTransactionAsync(token);
        await JobQueue.EnqueueAsync(connection, transaction, kind, payload ?? new JsonObject(), key, null, Clock.GetUtcNow().UtcDateTime, token);
        await transaction.CommitAsync(token);
        await using var id = dataSource.CreateCommand("SELECT id FROM ccd.jobs WHERE idempotency_key = @key");
        id.Parameters.AddWithValue("key", key);
        return (long)(await id.ExecuteScalarAsync(token))!;
    }

    /// <summary>A worker like the hosted one, with handlers for kinds "record", "fail", "block", "hang" and "hang-always".</summary>
    public JobWorker Worker(JobOptions? options = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Log);
        services.AddSingleton(JobHandlerRegistration.For<RecordingHandler, RecordJob>("record", CaseJson.Options));
        services.AddSingleton(JobHandlerRegistration.For<FailingHandler, FailJob>("fail", CaseJson.Options));
        services.AddSingleton(JobHandlerRegistration.For<BlockingHandler, BlockJob>("block", CaseJson.Options));
        services.AddSingleton(JobHandlerRegistration.For<HangingHandler, HangJob>("hang", CaseJson.Options));
        services.AddSingleton(JobHandlerRegistration.For<AlwaysHangingHandler, AlwaysHangJob>("hang-always", CaseJson.Options));
        services.AddScoped<RecordingHandler>();
        services.AddScoped<FailingHandler>();
        services.AddScoped<BlockingHandler>();
        services.AddScoped<HangingHandler>();
        services.AddScoped<AlwaysHangingHandler>();
        var provider = services.BuildServiceProvider();
        return new JobWorker(
            dataSource,
            provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetServices<JobHandlerRegistration>(),
            options ?? new JobOptions(),
            new JobMetrics(),
            Supervisor,
            Clock,
            NullLogger<JobWorker>.Instance);
    }

    public async Task<(string Status, int Attempts, DateTime NextAttemptAt, string? LastError)> JobAsync(long id)
    {
        await using var command = dataSource.CreateCommand("SELECT status, attempts, next_attempt_at, last_error FROM ccd.jobs WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken), $"job {id} exists");
        return (reader.GetString(0), reader.GetInt32(1), reader.GetDateTime(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    public static DateTime At(TimeSpan offset) => (Start + offset).UtcDateTime;
}

/// <summary>What the test handlers saw, shared by every handler of one test.</summary>
internal sealed class JobLog
{
    private readonly ConcurrentDictionary<long, byte> _running = new();

    public ConcurrentQueue<(long Id, int Attempt)> Runs { get; } = new();

    /// <summary>Set when a handler found its job already running elsewhere.</summary>
    public bool Overlapped { get; private set; }

    public bool FailWhileTrue { get; set; } = true;

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(JobContext context, Func<Task> work)
    {
        if (!_running.TryAdd(context.Id, 0))
        {
            Overlapped = true;
        }

        try
        {
            Runs.Enqueue((context.Id, context.Attempt));
            await work();
        }
        finally
        {
            _running.TryRemove(context.Id, out _);
        }
    }
}

/// <summary>The payload-free jobs of the worker tests (the rows they enqueue hold <c>{}</c>).</summary>
internal sealed record RecordJob;

internal sealed record FailJob;

internal sealed record BlockJob;

internal sealed record HangJob;

internal sealed record AlwaysHangJob;

internal sealed class RecordingHandler(JobLog log) : IJobHandler<RecordJob>
{
    public Task RunAsync(RecordJob job, JobContext context, CancellationToken cancellationToken) => log.RunAsync(context, async () => await Task.Yield());
}

internal sealed class FailingHandler(JobLog log) : IJobHandler<FailJob>
{
    public Task RunAsync(FailJob job, JobContext context, CancellationToken cancellationToken) => log.RunAsync(context, () =>
        log.FailWhileTrue ? throw new InvalidOperationException($"mail server refused attempt {context.Attempt}") : Task.CompletedTask);
}

/// <summary>Runs until released or cancelled, like a slow call to another service.</summary>
internal sealed class BlockingHandler(JobLog log) : IJobHandler<BlockJob>
{
    public Task RunAsync(BlockJob job, JobContext context, CancellationToken cancellationToken) => log.RunAsync(context, async () =>
    {
        log.Started.TrySetResult();
        await log.Release.Task.WaitAsync(cancellationToken);
    });
}

/// <summary>On its first attempt ignores cancellation until released, like a call stuck without a timeout; later attempts succeed.</summary>
internal sealed class HangingHandler(JobLog log) : IJobHandler<HangJob>
{
    public Task RunAsync(HangJob job, JobContext context, CancellationToken cancellationToken) => log.RunAsync(context, async () =>
    {
        if (context.Attempt == 1)
        {
            log.Started.TrySetResult();
            await log.Release.Task;
        }
    });
}

/// <summary>Never returns and ignores cancellation, like a call stuck without a timeout on every attempt.</summary>
internal sealed class AlwaysHangingHandler(JobLog log) : IJobHandler<AlwaysHangJob>
{
    public Task RunAsync(AlwaysHangJob job, JobContext context, CancellationToken cancellationToken) => log.RunAsync(context, () => log.Release.Task);
}
