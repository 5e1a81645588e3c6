using Ccd.Runtime.Commands;
using System.Text.Json.Nodes;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Jobs;
using Ccd.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Jobs;

/// <summary>The worker as a service on the runtime gets it: registered by AddCcdRuntime, woken by commits.</summary>
public sealed class JobHostingTests(PostgresServer postgres)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly CcdServiceDefinition Host = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime().AddJobHandler<SignallingHandler>("signal"),
        ConfigureApp = _ => { },
    };

    [Fact]
    public async Task a_committed_job_is_run_by_the_hosted_worker_without_waiting_for_a_poll()
    {
        var clock = new FakeTimeProvider(JobTestSupport.Start); // frozen: only the commit's NOTIFY can wake the worker
        var runs = new Runs();
        await using var app = await TestServiceApp.StartAsync(Host, await postgres.CreateDatabaseAsync(), services: services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton(runs);
        });
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();

        await EnqueueAsync(dataSource, clock, "event-1:signal", commit: false);
        await EnqueueAsync(dataSource, clock, "event-2:signal", commit: true);

        var ran = await runs.First.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal("event-2:signal", ran);
        await WaitForAsync(dataSource, "SELECT count(*) = 1 FROM ccd.jobs WHERE status = 'done'");
        Assert.Equal(1, runs.Count);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM ccd.jobs");
        Assert.Equal(1L, await count.ExecuteScalarAsync(Token));
    }

    [Fact]
    public async Task the_worker_can_be_switched_off_for_a_replica()
    {
        await using var app = await TestServiceApp.StartAsync(Host, await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Ccd:Jobs:Enabled"] = "false",
        });

        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), service => service is JobWorker);
    }

    [Fact]
    public void an_invalid_setting_stops_start_up_naming_the_key()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["APP_ENV"] = "TEST";
        builder.Configuration["TEST_DATABASE_URL"] = "Host=127.0.0.1;Database=unused";
        builder.Configuration["Ccd:Auth:SigningKey"] = TestTokens.SigningKey;
        builder.Configuration["Ccd:Jobs:MaxDelaySeconds"] = "1";

        builder.AddCcdRuntime(); // registering never throws: the options are checked when the application runs
        using var app = builder.Build();

        var refusal = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate());
        Assert.StartsWith("Ccd:Jobs:MaxDelaySeconds must be at least BaseDelaySeconds", Assert.Single(refusal.Failures), StringComparison.Ordinal);
    }

    private static async Task EnqueueAsync(NpgsqlDataSource dataSource, TimeProvider clock, string key, bool commit)
    {
        await using var connection = await dataSource.OpenConnectionAsync(Token);
        await using var transaction = await connection.BeginTransactionAsync(Token);
        await JobQueue.EnqueueAsync(connection, transaction, "signal", new JsonObject(), key, null, clock.GetUtcNow().UtcDateTime, Token);
        if (commit)
        {
            await transaction.CommitAsync(Token);
        }
        else
        {
            await transaction.RollbackAsync(Token);
        }
    }

    private static async Task WaitForAsync(NpgsqlDataSource dataSource, string condition)
    {
        // A liveness ceiling for the worker's own bookkeeping after the handler returned, not a way to move time.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var command = dataSource.CreateCommand(condition);
            if ((bool)(await command.ExecuteScalarAsync(Token))!)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {condition}");
            await Task.Delay(20, Token);
        }
    }

    private sealed class Runs
    {
        private int _count;

        public TaskCompletionSource<string> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count => _count;

        public void Add(string key)
        {
            Interlocked.Increment(ref _count);
            First.TrySetResult(key);
        }
    }

    private sealed record Signal;

    private sealed class SignallingHandler(Runs runs) : IJobHandler<Signal>
    {
        public Task RunAsync(Signal job, JobContext context, CancellationToken cancellationToken)
        {
            runs.Add(context.IdempotencyKey);
            return Task.CompletedTask;
        }
    }
}
