using System.Diagnostics.Metrics;
using System.Text.Json;
using Ccd.Runtime.Commands;
using Ccd.Runtime.Publishing;
using Ccd.Runtime.Status;
using Ccd.Runtime.Tests.Support;
using Ccd.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Publishing;

/// <summary>
/// The real broker refusing one message for good: a queue that refuses every message over its byte limit, and one
/// outbox row far bigger than that. RabbitMQ 3.10's AMQP 1.0 plugin answers that refusal by ending the session
/// (its log shows the session process crashing on the queue's nack), so the publisher isolates the message by
/// sending the unsettled ones alone, and parks it after <see cref="ParkAfter"/> failed sends. Every other case
/// goes on, and its case waits behind it.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class PoisonMessageTests(PostgresServer postgres, AmqpBroker broker)
{
    private const int Cases = 10;
    private const int Events = 30;
    private const int ParkAfter = 3;
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_message_the_broker_rejects_is_parked_the_other_cases_go_on_at_full_speed_and_its_case_waits_until_skipped()
    {
        var queue = broker.NextRejectingQueue();
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        // Events g = 0..29 over 10 cases; case 0 holds events 1, 11 and 21 (EventInstanceIds), and the first is poison.
        await OutboxSeed.InsertAsync(dataSource, count: Events, cases: Cases);
        var poison = await MakePoisonAsync(dataSource, eventInstanceId: 1);
        long parks = 0;
        using var listener = Listen("ccd.publishing.parks", value => Interlocked.Add(ref parks, value));
        var metrics = new PublishingMetrics();
        var publisher = TestPublishers.Create(dataSource, Options(queue), metrics: metrics);
        await using var consumer = await BrokerConsumer.OpenAsync(broker.Url, queue);

        // Batch after batch until nothing is claimable: none reports a broker outage, so none makes the loop back off.
        var batches = new List<BatchResult>();
        for (BatchResult batch; (batch = await publisher.PublishBatchAsync(Token)).Claimed > 0;)
        {
            batches.Add(batch);
            Assert.True(batches.Count <= 10, "publishing did not settle: " + string.Join(", ", batches));
        }

        Assert.All(batches, batch => Assert.Null(batch.Error));
        Assert.Equal(1, batches.Sum(batch => batch.Parked));
        // The counter is process-wide and other tests park messages at the same time: this publisher's own count is
        // exact, the shared counter only moved.
        Assert.Equal(1, metrics.ParkedTotal);
        Assert.True(Interlocked.Read(ref parks) >= 1, "ccd.publishing.parks did not move");
        var received = EventInstanceIds(await consumer.ReceiveAsync(Events - 3, Quiet, Ceiling));
        // Every event of the nine other cases, in order per case; none of case 0. The messages the broker had taken
        // but not confirmed when it ended the session are sent again alone: at least once, at most one extra copy
        // per message outstanding in such a batch.
        Assert.Equal(Enumerable.Range(1, Events).Where(e => (e - 1) % Cases != 0).Select(e => (long)e).Order(), received.Distinct().Order());
        Assert.True(received.Count - received.Distinct().Count() <= ParkAfter * (Cases - 1), $"{received.Count} received");
        Assert.All(received.GroupBy(e => e).Select(copies => copies.Count()), copies => Assert.InRange(copies, 1, 2));
        AssertOrderPerCase(received);

        var row = await RowAsync(dataSource, poison);
        Assert.NotNull(row.ParkedAt);
        Assert.StartsWith($"failed its send {ParkAfter} times", row.ParkedReason, StringComparison.Ordinal);
        Assert.Equal(ParkAfter, row.SendFailures);
        Assert.Equal(2, await ScalarAsync(dataSource, $"SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = {OutboxSeed.FirstReference} AND published IS NULL AND parked_at IS NULL"));

        // Seen by `status`, the gauges, readiness and `outbox parked`.
        var (store, listing) = await ParkedMessageChecks.AssertShownAsync(dataSource, metrics, poison, Token);
        Assert.Contains("1 parked message(s)", listing, StringComparison.Ordinal);

        // Retried, the broker refuses it again: parked again after as many sends, nothing sent.
        Assert.Equal(0, await OutboxCommand.RetryAsync(store, poison, TextWriter.Null, TextWriter.Null, Token));
        var retries = new List<BatchResult>();
        for (var i = 0; i < ParkAfter; i++)
        {
            retries.Add(await publisher.PublishBatchAsync(Token));
        }

        Assert.Equal([.. Enumerable.Repeat(new BatchResult(1, 0, null), ParkAfter - 1), new BatchResult(1, 0, null, 1)], retries);
        Assert.Equal(0, (await publisher.PublishBatchAsync(Token)).Claimed);

        // Skipped (who and why recorded): the case's later events follow, in order, and the poison is never sent.
        var errors = new StringWriter();
        Assert.Equal(1, await OutboxCommand.SkipAsync(store, poison + 1000, "ops-jane", "too big", DateTime.UtcNow, TextWriter.Null, errors, Token));
        Assert.Contains("there is no outbox message", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await OutboxCommand.SkipAsync(store, poison, "ops-jane", "too big for the broker; resent by hand", DateTime.UtcNow, TextWriter.Null, TextWriter.Null, Token));
        for (var i = 0; (await publisher.PublishBatchAsync(Token)).Claimed > 0; i++)
        {
            Assert.True(i < 10, "publishing did not settle");
        }

        Assert.Equal([11L, 21L], EventInstanceIds(await consumer.ReceiveAsync(2, Quiet, Ceiling)));
        row = await RowAsync(dataSource, poison);
        Assert.Equal(("ops-jane", "too big for the broker; resent by hand"), (row.SkippedBy, row.SkipReason));
        Assert.Equal(0, await ScalarAsync(dataSource, "SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL"));
        Assert.Equal(1, await OutboxCommand.RetryAsync(store, poison, TextWriter.Null, TextWriter.Null, Token));
    }

    [Fact]
    public async Task the_running_publisher_parks_a_rejected_message_and_publishes_later_events_of_other_cases_within_its_poll()
    {
        var queue = broker.NextRejectingQueue();
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await OutboxSeed.InsertAsync(dataSource, count: 4, cases: 2);
        var poison = await MakePoisonAsync(dataSource, eventInstanceId: 1);
        var publisher = TestPublishers.Create(dataSource, Options(queue));
        await using var consumer = await BrokerConsumer.OpenAsync(broker.Url, queue);
        await publisher.StartAsync(Token);
        try
        {
            await WaitUntilAsync(async () => (await RowAsync(dataSource, poison)).ParkedAt is not null, "the poison message is parked");
            // At least once (a copy of a message outstanding when the broker ended the session), in order.
            var first = EventInstanceIds(await consumer.ReceiveAsync(2, Quiet, Ceiling));
            Assert.Equal([2L, 4L], first.Distinct());
            Assert.Equal(first.Order(), first);

            // Later changes of the other case keep flowing while the poison stays parked.
            await OutboxSeed.InsertAsync(dataSource, count: 6, cases: 2, firstEventInstanceId: 101);
            var later = EventInstanceIds(await consumer.ReceiveAsync(3, Quiet, Ceiling));
            Assert.Equal([102L, 104L, 106L], later.Distinct());
            Assert.Equal(later.Order(), later);
            Assert.Equal(1 + 1 + 3, await ScalarAsync(dataSource, $"SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = {OutboxSeed.FirstReference} AND published IS NULL"));
        }
        finally
        {
            await publisher.StopAsync(CancellationToken.None);
        }
    }

    private PublishingOptions Options(string queue)
    {
        var options = TestPublishers.Options(broker.Url, queue);
        options.ParkAfterFailures = ParkAfter;
        return options;
    }

    // Makes the event far bigger than the queue's byte limit, so the broker rejects it every time.
    private static async Task<long> MakePoisonAsync(NpgsqlDataSource dataSource, long eventInstanceId)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE ccd.message_queue_candidates
            SET message_information = message_information || jsonb_build_object('Padding', repeat('x', @size))
            WHERE (message_information ->> 'EventInstanceId')::bigint = @event
            RETURNING id
            """);
        command.Parameters.AddWithValue("size", AmqpBroker.RejectingQueueMaxBytes * 2);
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

    private static List<long> EventInstanceIds(IReadOnlyList<Amqp.Message> messages) =>
        messages.Select(m => JsonDocument.Parse(ReceivedMessage.Body(m)).RootElement.GetProperty("EventInstanceId").GetInt64()).ToList();

    private static void AssertOrderPerCase(List<long> received)
    {
        // A copy may repeat the event just before it, but a later event never arrives before an earlier one.
        foreach (var perCase in received.GroupBy(e => (e - 1) % Cases))
        {
            Assert.Equal(perCase.Order(), perCase);
        }
    }

    private static Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql) => TestPublishers.ScalarAsync(dataSource, sql);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Ceiling;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not reached within the ceiling: {what}.");
            await Task.Delay(50, Token);
        }
    }

    private static MeterListener Listen(string name, Action<long> add)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Ccd.Runtime" && instrument.Name == name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => add(value));
        listener.Start();
        return listener;
    }
}
