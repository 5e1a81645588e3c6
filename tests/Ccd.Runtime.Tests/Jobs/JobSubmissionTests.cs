using Ccd.Runtime.Commands;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Jobs;

/// <summary>Jobs enqueued by events submitted over HTTP, run by the service's own worker.</summary>
public sealed class JobSubmissionTests(PostgresServer postgres)
{
    private const string CaseType = "FT_Jobs";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly CcdServiceDefinition Host = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime()
            .AddMigrations(TestSchema.Migrations)
            .AddCaseType<TypedCase, TypedState>(CaseType, "TEST", ct => ct
                .Event("create", e => e.Handler<TypedSubmitHandler>())
                .Event("edit", e => e.Handler<TypedSubmitHandler>()))
            .AddJobHandler<EmailHandler>(TestEmail.Kind),
        ConfigureApp = app => app.MapCcdPersistence(),
    };

    [Fact]
    public async Task a_job_runs_once_after_its_event_commits_a_replay_adds_nothing_and_a_rolled_back_event_leaves_none()
    {
        var database = await postgres.CreateDatabaseAsync(TestSchema.Migrations);
        var sent = new SentEmails();
        // The clock stands still: only the commit's NOTIFY wakes the worker, never a poll.
        await using var app = await TestServiceApp.StartAsync(Host, database, services: services =>
        {
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 5, 12, 0, 0, TimeSpan.Zero)));
            services.AddSingleton(new HandlerProbe());
            services.AddSingleton(sent);
        });
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        using var ccd = new CcdDataStoreClient(app.CreateCcdClient());
        var reference = Payloads.NewReference();
        var key = Guid.NewGuid();
        var create = Payloads.Create(reference, CaseType, "create", new JsonObject { ["title"] = "T", ["behaviour"] = "job" });

        var first = await ccd.SubmitAsync(create, key);
        var ran = await sent.First.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        var replay = await ccd.SubmitAsync(create, key);
        // A stale version: the handler enqueues its job, then the version check rolls the whole event back.
        var stale = await ccd.SubmitAsync(Payloads.Update(reference, CaseType, "edit", new JsonObject { ["title"] = "changed", ["behaviour"] = "job" }, version: 7));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict), (first.Status, replay.Status, stale.Status));
        Assert.Equal($"{key}:email to a@example.org", ran); // the job as the handler enqueued it, under its event's key
        await WaitForAsync(dataSource, "SELECT status = 'done' FROM ccd.jobs");
        Assert.Equal(1L, await ScalarAsync(dataSource, "SELECT count(*) FROM ccd.jobs"));
        Assert.Equal(1, sent.Count);
    }

    private static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync(Token);
    }

    private static async Task WaitForAsync(NpgsqlDataSource dataSource, string condition)
    {
        // A liveness ceiling for the worker's bookkeeping after the handler returned, not a way to move time.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ScalarAsync(dataSource, condition) is not true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {condition}");
            await Task.Delay(20, Token);
        }
    }

    private sealed class SentEmails
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

    private sealed class EmailHandler(SentEmails sent) : IJobHandler<TestEmail>
    {
        public Task RunAsync(TestEmail job, JobContext context, CancellationToken cancellationToken)
        {
            sent.Add($"{context.IdempotencyKey} to {job.To}");
            return Task.CompletedTask;
        }
    }
}
