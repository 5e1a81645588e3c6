using Ccd.Runtime.Testing;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Npgsql;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.Limits;

/// <summary>
/// The service's limits hold and fail fast: a body over the limit is refused by the real server, a statement that
/// waits past the command timeout or a submit past its budget is answered 503 and rolled back, and an exhausted
/// connection pool answers 503 quickly instead of hanging, then recovers.
/// </summary>
public sealed class LimitTests(PostgresServer postgres)
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task a_lock_wait_past_the_write_budget_is_answered_503_even_with_a_short_command_timeout_and_the_retry_then_commits()
    {
        // Lock waits are governed by the write's time budget, not cut off by the statement timeout (issue 16).
        await using var service = await InMemoryService.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Ccd:Database:CommandTimeoutSeconds"] = "1",
            ["Ccd:Submission:TimeoutSeconds"] = "2",
        });
        using var client = service.CreateClient();
        var reference = Refs.Valid(80_003);
        var key = Guid.NewGuid();

        CcdAnswer blocked;
        await using (await HoldCaseLockAsync(service.DataSource, reference))
        {
            blocked = await Timed(() => Submit(reference, "x", key).SendAsync(client, TestContext.Current.CancellationToken));
        }

        AssertUnavailable(blocked);
        var retried = await Submit(reference, "x", key).SendAsync(client, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
    }

    [Fact]
    public async Task a_submit_past_its_time_budget_is_answered_503_and_rolled_back()
    {
        await using var service = await InMemoryService.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Ccd:Submission:TimeoutSeconds"] = "1",
            ["Ccd:Database:CommandTimeoutSeconds"] = "30",
        });
        using var client = service.CreateClient();
        var reference = Refs.Valid(80_004);

        CcdAnswer blocked;
        await using (await HoldCaseLockAsync(service.DataSource, reference))
        {
            blocked = await Timed(() => Submit(reference, "x").SendAsync(client, TestContext.Current.CancellationToken));
        }

        AssertUnavailable(blocked);
        var read = await new RawRequest("GET", $"/ccd-persistence/cases?case-refs={reference}").SendAsync(client, TestContext.Current.CancellationToken);
        Assert.Equal("[]", read.Text);
    }

    [Fact]
    public async Task an_exhausted_connection_pool_answers_503_quickly_and_recovers()
    {
        await using var service = await InMemoryService.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Ccd:Database:MaxPoolSize"] = "2",
            ["Ccd:Database:ConnectTimeoutSeconds"] = "1",
            ["Ccd:Database:CommandTimeoutSeconds"] = "30",
        });
        using var client = service.CreateClient();
        var first = Refs.Valid(80_005);
        var second = Refs.Valid(80_006);
        var other = Refs.Valid(80_007);

        CcdAnswer starved;
        Task<CcdAnswer> slowFirst, slowSecond;
        await using (await HoldCaseLockAsync(service.DataSource, first))
        await using (await HoldCaseLockAsync(service.DataSource, second))
        {
            // Two submits wait on their case locks, each holding a pooled connection (the background workers take
            // connections from the same pool too, so either submit may itself be the one refused).
            slowFirst = Submit(first, "x").SendAsync(client, TestContext.Current.CancellationToken);
            slowSecond = Submit(second, "x").SendAsync(client, TestContext.Current.CancellationToken);
            starved = await FirstUnavailableReadAsync(client, other);
        }

        AssertUnavailable(starved);
        Assert.Contains((await slowFirst).Code, new[] { 201, 503 });
        Assert.Contains((await slowSecond).Code, new[] { 201, 503 });
        var recovered = await new RawRequest("GET", $"/ccd-persistence/cases?case-refs={first}").SendAsync(client, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, recovered.Status);
    }

    /// <summary>Reads until the pool is exhausted; every read must answer (200 or 503) before the ceiling, none may hang.</summary>
    private static async Task<CcdAnswer> FirstUnavailableReadAsync(HttpClient client, long reference)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var reply = await Timed(() => new RawRequest("GET", $"/ccd-persistence/cases?case-refs={reference}").SendAsync(client, TestContext.Current.CancellationToken));
            if (reply.Status != HttpStatusCode.OK)
            {
                return reply;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The pool never ran out while two submits held their connections.");
    }

    private static void AssertUnavailable(CcdAnswer reply)
    {
        Assert.True(reply.Status == HttpStatusCode.ServiceUnavailable, reply.ToString());
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.NotNull(reply.RetryAfter);
    }

    /// <summary>Sends and checks the answer came before the liveness ceiling (a hang fails here, not in CI's timeout).</summary>
    private static async Task<CcdAnswer> Timed(Func<Task<CcdAnswer>> send)
    {
        var clock = Stopwatch.StartNew();
        var reply = await send();
        Assert.True(clock.Elapsed < Ceiling, $"answered after {clock.Elapsed}");
        return reply;
    }

    /// <summary>Holds the case lock (the advisory lock every writer of the case takes) from outside the service, until disposed.</summary>
    private static async Task<LockHolder> HoldCaseLockAsync(NpgsqlDataSource dataSource, long reference)
    {
        var connection = await dataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@reference)", connection, transaction);
        command.Parameters.AddWithValue("reference", reference);
        await command.ExecuteNonQueryAsync();
        return new LockHolder(connection, transaction);
    }

    private sealed class LockHolder(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync(); // rolls back: the lock is released
            await connection.DisposeAsync();
        }
    }

    private static RawRequest Submit(long reference, string text, Guid? key = null) =>
        new("POST", "/ccd-persistence/cases", Encoding.UTF8.GetBytes(Bodies.Create(reference, new JsonObject { ["text"] = text }).ToJsonString()))
        {
            Headers = [new("Idempotency-Key", (key ?? Guid.NewGuid()).ToString())],
        };
}
