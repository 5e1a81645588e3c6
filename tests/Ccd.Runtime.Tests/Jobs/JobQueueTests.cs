using System.Text.Json.Nodes;
using Ccd.Runtime.Jobs;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Jobs;

public sealed class JobQueueTests(PostgresServer postgres)
{
    private static readonly DateTime Now = new(2026, 3, 1, 9, 30, 0, DateTimeKind.Unspecified);

    private static async Task<bool> EnqueueAsync(NpgsqlDataSource dataSource, string key, bool commit = true)
    {
        var token = TestContext.Current.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(token);
        await using var transaction = await connection.BeginTransactionAsync(token);
        var added = await JobQueue.EnqueueAsync(connection, transaction, "notify", new JsonObject { ["to"] = "sw-1" }, key, 1234567890123456, Now, token);
        if (commit)
        {
            await transaction.CommitAsync(token);
        }
        else
        {
            await transaction.RollbackAsync(token);
        }

        return added;
    }

    [Fact]
    public async Task an_enqueued_job_is_queued_and_due_now_with_its_payload()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

        Assert.True(await EnqueueAsync(dataSource, "event-1:notify"));

        await using var command = dataSource.CreateCommand("SELECT kind, payload::text, case_reference, status, attempts, next_attempt_at FROM ccd.jobs");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal("notify", reader.GetString(0));
        Assert.Equal("sw-1", JsonNode.Parse(reader.GetString(1))!["to"]!.GetValue<string>());
        Assert.Equal(1234567890123456, reader.GetInt64(2));
        Assert.Equal("queued", reader.GetString(3));
        Assert.Equal(0, reader.GetInt32(4));
        Assert.Equal(Now, reader.GetDateTime(5));
        Assert.False(await reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task the_same_key_enqueued_again_adds_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

        Assert.True(await EnqueueAsync(dataSource, "event-1:notify"));
        Assert.False(await EnqueueAsync(dataSource, "event-1:notify"));
        Assert.True(await EnqueueAsync(dataSource, "event-2:notify"));

        await using var count = dataSource.CreateCommand("SELECT count(*) FROM ccd.jobs");
        Assert.Equal(2L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task a_rolled_back_transaction_leaves_no_job()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

        Assert.True(await EnqueueAsync(dataSource, "event-1:notify", commit: false));

        await using var count = dataSource.CreateCommand("SELECT count(*) FROM ccd.jobs");
        Assert.Equal(0L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task a_commit_announces_the_job_and_a_rollback_does_not()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var listener = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var notifications = 0;
        listener.Notification += (_, _) => Interlocked.Increment(ref notifications);
        await using (var listen = new NpgsqlCommand($"LISTEN {JobQueue.NotifyChannel}", listener))
        {
            await listen.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await EnqueueAsync(dataSource, "event-1:notify", commit: false);
        await EnqueueAsync(dataSource, "event-2:notify");

        // A round trip on the listening connection delivers whatever notifications arrived before it.
        await using (var ping = new NpgsqlCommand("SELECT 1", listener))
        {
            await ping.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, notifications);
    }
}
