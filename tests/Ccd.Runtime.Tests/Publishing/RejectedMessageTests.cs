using System.Text.Json;
using Ccd.Runtime.Commands;
using Ccd.Runtime.Publishing;
using Ccd.Runtime.Status;
using Ccd.Runtime.Workers;
using Ccd.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Publishing;

/// <summary>
/// A broker that settles one message <i>rejected</i>, every time it comes, and accepts the others. No broker
/// installable here answers that way (see <see cref="RejectingAmqpBroker"/>), so this runs against AMQPNetLite's
/// own listener; the path through a real broker that ends the session instead is <see cref="PoisonMessageTests"/>.
/// A rejection is an outcome of that one message, not a loop fault: it is parked at once with the broker's reason,
/// the other cases go on in the same batches (no back-off, no restart), its case's later messages wait behind it,
/// and <c>status</c>, readiness and <c>outbox parked / retry / skip</c> show and settle it.
/// </summary>
public sealed class RejectedMessageTests(PostgresServer postgres)
{
    private const int Cases = 10;
    private const int Events = 30;
    private const long PoisonEvent = 1;
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_message_the_broker_rejects_forever_is_parked_at_once_with_the_reason_the_other_cases_go_on_in_the_same_batches_and_retry_and_skip_work()
    {
        await using var broker = RejectingAmqpBroker.Start();
        broker.Rejects = body => EventInstanceId(body) == PoisonEvent;
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        // Events 1..30 over 10 cases; case 0 holds events 1, 11 and 21, and the first is the one refused.
        await OutboxSeed.InsertAsync(dataSource, count: Events, cases: Cases);
        var poison = await IdOfEventAsync(dataSource, PoisonEvent);
        var metrics = new PublishingMetrics();
        var options = TestPublishers.Options(broker.Url, RejectingAmqpBroker.Entity);
        options.ParkAfterFailures = 5;
        var publisher = TestPublishers.Create(dataSource, options, metrics: metrics);

        // Full speed: three batches carry everything the other cases have (one row per case per batch), the first
        // one parks the poison; no batch reports an outage, so nothing backs off.
        var batches = new List<BatchResult>();
        for (BatchResult batch; (batch = await publisher.PublishBatchAsync(Token)).Claimed > 0;)
        {
            batches.Add(batch);
            Assert.True(batches.Count <= 10, "publishing did not settle: " + string.Join(", ", batches));
        }

        Assert.Equal([new BatchResult(Cases, Cases - 1, null, 1), new BatchResult(Cases - 1, Cases - 1, null), new BatchResult(Cases - 1, Cases - 1, null)], batches);
        Assert.Equal(1, broker.RejectedCount);
        var accepted = broker.Accepted.Select(EventInstanceId).ToList();
        Assert.Equal(Enumerable.Range(1, Events).Select(e => (long)e).Where(e => (e - 1) % Cases != 0), accepted.Order());
        Assert.Equal(accepted.Count, accepted.Distinct().Count());
        foreach (var perCase in accepted.GroupBy(e => (e - 1) % Cases))
        {
            Assert.Equal(perCase.Order(), perCase);
        }

        // Parked at the first refusal, with the broker's reason; the case's two later events wait behind it.
        var row = await RowAsync(dataSource, poison);
        Assert.NotNull(row.ParkedAt);
        Assert.StartsWith("refused by the broker: ", row.ParkedReason, StringComparison.Ordinal);
        Assert.Contains("the test broker refuses this message for good", row.ParkedReason, StringComparison.Ordinal);
        Assert.Equal(1, row.SendFailures);
        Assert.Equal(2, await HeldAsync(dataSource));

        // Seen by `status`, the gauges, readiness and `outbox parked`.
        var (store, _) = await ParkedMessageChecks.AssertShownAsync(dataSource, metrics, poison, Token);

        // `outbox retry`: sent once more, rejected once more, parked again at once; nothing of its case goes out.
        Assert.Equal(0, await OutboxCommand.RetryAsync(store, poison, TextWriter.Null, TextWriter.Null, Token));
        Assert.Equal(new BatchResult(1, 0, null, 1), await publisher.PublishBatchAsync(Token));
        Assert.Equal(0, (await publisher.PublishBatchAsync(Token)).Claimed);
        Assert.Equal(2, broker.RejectedCount);
        Assert.Equal(1, (await RowAsync(dataSource, poison)).SendFailures); // `retry` starts a fresh count

        // `outbox skip` (who and why recorded): the case's later events follow, in order, and the poison is never accepted.
        Assert.Equal(0, await OutboxCommand.SkipAsync(store, poison, "ops-jane", "refused by the broker; resent by hand", DateTime.UtcNow, TextWriter.Null, TextWriter.Null, Token));
        while ((await publisher.PublishBatchAsync(Token)).Claimed > 0)
        {
            Assert.True(broker.Accepted.Count <= Events, "publishing did not settle");
        }

        Assert.Equal([11L, 21L], broker.Accepted.Select(EventInstanceId).Where(e => (e - 1) % Cases == 0));
        row = await RowAsync(dataSource, poison);
        Assert.Equal(("ops-jane", "refused by the broker; resent by hand"), (row.SkippedBy, row.SkipReason));
        Assert.Equal(0, await TestPublishers.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL AND skipped_by IS NULL"));
    }

    [Fact]
    public async Task the_running_publisher_parks_the_rejected_message_without_a_restart_and_publishes_later_events_within_its_poll()
    {
        await using var broker = RejectingAmqpBroker.Start();
        broker.Rejects = body => EventInstanceId(body) == PoisonEvent;
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await OutboxSeed.InsertAsync(dataSource, count: 4, cases: 2);
        var poison = await IdOfEventAsync(dataSource, PoisonEvent);
        using var supervisor = TestPublishers.Supervisor(TimeProvider.System);
        var publisher = TestPublishers.Create(dataSource, TestPublishers.Options(broker.Url, RejectingAmqpBroker.Entity), supervisor: supervisor);
        await publisher.StartAsync(Token);
        try
        {
            await WaitUntilAsync(async () => (await RowAsync(dataSource, poison)).ParkedAt is not null && broker.Accepted.Count == 2, "the poison is parked and the other case published");
            Assert.Equal([2L, 4L], broker.Accepted.Select(EventInstanceId));

            // Later events of the other case flow while the poison stays parked; its own later events wait.
            await OutboxSeed.InsertAsync(dataSource, count: 6, cases: 2, firstEventInstanceId: 101);
            await WaitUntilAsync(() => Task.FromResult(broker.Accepted.Count == 5), "the later events of the other case are published");
            Assert.Equal([2L, 4L, 102L, 104L, 106L], broker.Accepted.Select(EventInstanceId));
            Assert.Equal(1 + 3, await HeldAsync(dataSource));

            // A refusal is the message's outcome, not a loop fault: the publisher never restarted.
            Assert.All(supervisor.Snapshot(), loop => Assert.Equal((LoopStatus.Running, 0L), (loop.Status, loop.TotalRestarts)));
            Assert.Equal(1, broker.RejectedCount);
        }
        finally
        {
            await publisher.StopAsync(CancellationToken.None);
        }
    }

    private static long EventInstanceId(string body) => JsonDocument.Parse(body).RootElement.GetProperty("EventInstanceId").GetInt64();

    private static Task<long> HeldAsync(NpgsqlDataSource dataSource) =>
        TestPublishers.ScalarAsync(dataSource, $"SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = {OutboxSeed.FirstReference} AND published IS NULL AND parked_at IS NULL");

    private static async Task<long> IdOfEventAsync(NpgsqlDataSource dataSource, long eventInstanceId)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM ccd.message_queue_candidates WHERE (message_information ->> 'EventInstanceId')::bigint = @event");
        command.Parameters.AddWithValue("event", eventInstanceId);
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }

    private static async Task<(DateTime? ParkedAt, string? ParkedReason, int SendFailures, string? SkippedBy, string? SkipReason)> RowAsync(NpgsqlDataSource dataSource, long id)
    {
        await using var command = dataSource.CreateCommand("SELECT parked_at, parked_reason, send_failures, skipped_by, skip_reason FROM ccd.message_queue_candidates WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(Token);
        Assert.True(await reader.ReadAsync(Token));
        return (reader.IsDBNull(0) ? null : reader.GetDateTime(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Ceiling;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not reached within the ceiling: {what}.");
            await Task.Delay(50, Token);
        }
    }
}
