using System.Text.Json;
using Ccd.Runtime.Publishing;
using Ccd.Runtime.Workers;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Publishing;

/// <summary>
/// The running publisher pipelines its batches: while the broker settles one, the next is claimed and the previous
/// one's marks commit. Against the in-process broker (<see cref="RejectingAmqpBroker"/>), which records exactly what
/// it accepted: a broker that stops answering mid-stream, with one batch in flight, the next claimed ahead and the
/// previous one's marks still committing, loses nothing, and what it had accepted is never sent again.
/// </summary>
public sealed class PipelinedPublishingTests(PostgresServer postgres)
{
    private const int Cases = 100;
    private const int Events = 1000;
    private const int BatchSize = 20;
    private const int AnsweredBeforeSilence = 310; // in the middle of the 16th batch
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(90);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_broker_that_stops_answering_mid_pipeline_loses_nothing_and_is_never_sent_what_it_accepted_and_each_case_stays_in_order()
    {
        await using var broker = RejectingAmqpBroker.Start();
        broker.AnswerAtMost = AnsweredBeforeSilence;
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        // 10 events per case, round-robin: every batch of 20 is full, so the loop claims ahead all along.
        await OutboxSeed.InsertAsync(dataSource, Events, Cases);
        var options = TestPublishers.Options(broker.Url, RejectingAmqpBroker.Entity);
        options.BatchSize = BatchSize;
        options.SendTimeout = TimeSpan.FromSeconds(2);
        var metrics = new PublishingMetrics();
        using var supervisor = TestPublishers.Supervisor(TimeProvider.System);
        var publisher = TestPublishers.Create(dataSource, options, metrics: metrics, supervisor: supervisor);
        await publisher.StartAsync(Token);
        try
        {
            // The broker goes silent: the batch in flight is settled only in part, the loop fails and restarts.
            await WaitUntilAsync(() => Task.FromResult(Restarts(supervisor) >= 2), "the publisher fails on the silent broker and restarts");
            var unsentWhileSilent = await UnsentAsync(dataSource);
            var acceptedWhileSilent = broker.Accepted.Count;

            broker.AnswerAtMost = null;
            await WaitUntilAsync(async () => await UnsentAsync(dataSource) == 0, "everything is published once the broker answers again");
            var accepted = broker.Accepted.Select(Event).ToList();

            // What the broker accepted before it went silent was marked, even in the batch that failed.
            Assert.Equal(AnsweredBeforeSilence, acceptedWhileSilent);
            Assert.Equal(Events - AnsweredBeforeSilence, unsentWhileSilent);
            // Every event accepted exactly once: nothing lost, nothing the broker had accepted sent again.
            Assert.Equal(Enumerable.Range(1, Events).Select(e => (long)e), accepted.Select(e => e.EventInstanceId).Order());
            foreach (var perCase in accepted.GroupBy(e => e.CaseId))
            {
                var order = perCase.Select(e => e.EventInstanceId).ToList();
                Assert.True(order.Zip(order.Skip(1)).All(pair => pair.First < pair.Second), $"case {perCase.Key} accepted out of order: {string.Join(",", order)}");
            }

            Assert.Equal(Events, metrics.SentTotal);
            Assert.Contains("BrokerSendException", supervisor.Snapshot().Single(loop => loop.Name == "outbox-publisher").LastError, StringComparison.Ordinal);
        }
        finally
        {
            await publisher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task batches_claimed_ahead_never_hold_a_case_twice_so_a_case_with_more_events_than_batches_goes_out_in_order()
    {
        await using var broker = RejectingAmqpBroker.Start();
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        // Few cases, many events each: a batch takes every case, so each claim made ahead finds nothing until the
        // marks before it commit, and the loop must then look again at once rather than pause for its poll.
        await OutboxSeed.InsertAsync(dataSource, count: 200, cases: 5);
        var options = TestPublishers.Options(broker.Url, RejectingAmqpBroker.Entity);
        options.BatchSize = 5;
        options.PollInterval = TimeSpan.FromMinutes(5); // a pause would outlast the ceiling: the drain must never poll
        using var supervisor = TestPublishers.Supervisor(TimeProvider.System);
        var publisher = TestPublishers.Create(dataSource, options, supervisor: supervisor);
        await publisher.StartAsync(Token);
        try
        {
            await WaitUntilAsync(async () => await UnsentAsync(dataSource) == 0, "every event is published without a poll pause");
            var accepted = broker.Accepted.Select(Event).ToList();

            Assert.Equal(Enumerable.Range(1, 200).Select(e => (long)e), accepted.Select(e => e.EventInstanceId).Order());
            foreach (var perCase in accepted.GroupBy(e => e.CaseId))
            {
                var order = perCase.Select(e => e.EventInstanceId).ToList();
                Assert.Equal(order.Order(), order);
            }

            Assert.Equal(0, Restarts(supervisor));
        }
        finally
        {
            await publisher.StopAsync(CancellationToken.None);
        }
    }

    private static long Restarts(WorkerSupervisor supervisor) =>
        supervisor.Snapshot().SingleOrDefault(loop => loop.Name == "outbox-publisher")?.TotalRestarts ?? 0;

    private static Task<long> UnsentAsync(NpgsqlDataSource dataSource) =>
        TestPublishers.ScalarAsync(dataSource, "SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL");

    private static (string CaseId, long EventInstanceId) Event(string body)
    {
        using var document = JsonDocument.Parse(body);
        return (document.RootElement.GetProperty("CaseId").GetString()!, document.RootElement.GetProperty("EventInstanceId").GetInt64());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Ceiling; // a liveness ceiling, not a timing
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain until {what}.");
            }

            await Task.Delay(50, Token);
        }
    }
}
