using System.Text.Json;
using Ccd.Runtime.Publishing;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Workers;
using Ccd.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Publishing;

[Collection(BrokerCollection.Name)]
public sealed class BrokerOutageTests(PostgresServer postgres, AmqpBroker broker)
{
    private const int Cases = 50;
    private const int BeforeOutage = 400;
    private const int DuringOutage = 600;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Ceiling = TimeSpan.FromMinutes(3);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string UnsentSql => "SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL";

    [Fact]
    public async Task two_publishers_deliver_1000_events_over_50_cases_through_a_20_second_broker_outage_once_each_and_in_case_order()
    {
        var queue = broker.NextQueue();
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var options = TestPublishers.Options(broker.Url, queue);
        options.BatchSize = 20; // small batches, so the two publishers interleave over the cases
        var (firstMetrics, secondMetrics) = (new PublishingMetrics(), new PublishingMetrics());
        using var firstSupervisor = TestPublishers.Supervisor(TimeProvider.System);
        using var secondSupervisor = TestPublishers.Supervisor(TimeProvider.System);
        var first = TestPublishers.Create(dataSource, options, metrics: firstMetrics, supervisor: firstSupervisor);
        var second = TestPublishers.Create(dataSource, options, metrics: secondMetrics, supervisor: secondSupervisor);
        await first.StartAsync(Token);
        await second.StartAsync(Token);
        try
        {
            await OutboxSeed.InsertAsync(dataSource, BeforeOutage, Cases);
            await TestPublishers.WaitUntilAllPublishedAsync(dataSource, Ceiling);

            // The broker goes away; submissions go on, and both publishers keep trying and backing off.
            await broker.StopAsync();
            var outageStarted = DateTime.UtcNow;
            await OutboxSeed.InsertAsync(dataSource, DuringOutage, Cases, firstEventInstanceId: BeforeOutage + 1);
            var remaining = Outage - (DateTime.UtcNow - outageStarted);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, Token); // the outage itself is wall-clock time on a real broker
            }

            var unsentDuringOutage = await TestPublishers.ScalarAsync(dataSource, UnsentSql);

            // The outage is a loop fault of each publisher: counted as restarts, and readiness names the loop.
            foreach (var supervisor in new[] { firstSupervisor, secondSupervisor })
            {
                var publisherLoop = supervisor.Snapshot().Single(loop => loop.Name == "outbox-publisher");
                Assert.True(publisherLoop.TotalRestarts >= 2, $"{publisherLoop.TotalRestarts} restarts during the outage");
                Assert.Contains("BrokerSendException", publisherLoop.LastError, StringComparison.Ordinal);
                var readiness = await new WorkersHealthCheck(supervisor).CheckHealthAsync(new HealthCheckContext(), Token);
                Assert.NotEqual(HealthStatus.Healthy, readiness.Status);
                Assert.Contains("outbox-publisher", readiness.Description, StringComparison.Ordinal);
            }

            await broker.StartAsync();
            await TestPublishers.WaitUntilAllPublishedAsync(dataSource, Ceiling);

            await using var consumer = await BrokerConsumer.OpenAsync(broker.Url, queue);
            var received = await consumer.ReceiveAsync(BeforeOutage + DuringOutage, TimeSpan.FromSeconds(3), Ceiling);
            var events = received.Select(Event).ToList();

            Assert.Equal(DuringOutage, unsentDuringOutage);
            Assert.Equal(BeforeOutage + DuringOutage, events.Count);
            Assert.Equal(Enumerable.Range(1, BeforeOutage + DuringOutage).Select(i => (long)i), events.Select(e => e.EventInstanceId).Order());
            foreach (var perCase in events.GroupBy(e => e.CaseId))
            {
                var order = perCase.Select(e => e.EventInstanceId).ToList();
                Assert.True(order.Zip(order.Skip(1)).All(pair => pair.First < pair.Second), $"case {perCase.Key} received out of order: {string.Join(",", order)}");
            }

            Assert.Equal(BeforeOutage + DuringOutage, firstMetrics.SentTotal + secondMetrics.SentTotal);
            Assert.All(new[] { firstSupervisor, secondSupervisor }.SelectMany(supervisor => supervisor.Snapshot()), loop => Assert.Equal(LoopStatus.Running, loop.Status));
            Assert.True(firstMetrics.SentTotal > 0 && secondMetrics.SentTotal > 0, $"one publisher did all the work ({firstMetrics.SentTotal}/{secondMetrics.SentTotal})");
        }
        finally
        {
            await first.StopAsync(CancellationToken.None);
            await second.StopAsync(CancellationToken.None);
        }
    }

    private static (string CaseId, long EventInstanceId) Event(Amqp.Message message)
    {
        using var body = JsonDocument.Parse(ReceivedMessage.Body(message));
        return (body.RootElement.GetProperty("CaseId").GetString()!, body.RootElement.GetProperty("EventInstanceId").GetInt64());
    }
}
