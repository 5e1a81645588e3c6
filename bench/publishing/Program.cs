// SPEC P5 (publishing half): publish N queued outbox messages to the local AMQP 1.0 broker and report messages per
// second. Real PostgreSQL (the tests' throwaway cluster) and a real RabbitMQ (tests/infra/amqp-broker.sh); the
// publishers are the runtime's own OutboxPublisher, as a service runs them.
using System.Diagnostics;
using System.Text.Json;
using Ccd.Bench.Publishing;
using Ccd.Runtime.Publishing;
using Ccd.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

var settings = BenchSettings.Parse(args);
Console.WriteLine($"publishing bench: {settings.Messages} messages over {settings.Cases} cases, {settings.Publishers} publisher(s), batch {settings.BatchSize}");

var postgres = new PostgresServer();
var broker = new AmqpBroker();
await postgres.InitializeAsync();
await broker.InitializeAsync();
try
{
    var queue = broker.NextQueue();
    await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
    await OutboxSeed.InsertAsync(dataSource, settings.Messages, settings.Cases);
    await using (var analyze = dataSource.CreateCommand("ANALYZE ccd.message_queue_candidates"))
    {
        await analyze.ExecuteNonQueryAsync();
    }

    var options = new PublishingOptions
    {
        Address = broker.Url,
        Entity = queue,
        BatchSize = settings.BatchSize,
        PollInterval = TimeSpan.FromMilliseconds(50),
    };
    var metrics = new PublishingMetrics();
    var publishers = Enumerable.Range(0, settings.Publishers).Select(_ => new OutboxPublisher(
        dataSource,
        new AmqpOutboxSender(BrokerSettings.Resolve(options), options, NullLogger<AmqpOutboxSender>.Instance),
        new OutboxRetention(dataSource, TimeProvider.System),
        new OutboxStatus(dataSource, TimeProvider.System),
        metrics,
        options,
        new Ccd.Runtime.Workers.WorkerSupervisor(new Ccd.Runtime.Workers.WorkerOptions(), TimeProvider.System, NullLogger<Ccd.Runtime.Workers.WorkerSupervisor>.Instance),
        TimeProvider.System,
        NullLogger<OutboxPublisher>.Instance)).ToList();

    var status = new OutboxStatus(dataSource, TimeProvider.System);
    var clock = Stopwatch.StartNew();
    foreach (var publisher in publishers)
    {
        await publisher.StartAsync(CancellationToken.None);
    }

    while ((await status.ReadAsync(CancellationToken.None)).UnsentCount > 0)
    {
        await Task.Delay(20);
    }

    var elapsed = clock.Elapsed;
    foreach (var publisher in publishers)
    {
        await publisher.StopAsync(CancellationToken.None);
    }

    var rate = settings.Messages / elapsed.TotalSeconds;
    Console.WriteLine($"published {settings.Messages} in {elapsed.TotalSeconds:0.00} s: {rate:0} messages/s (sent counter {metrics.SentTotal})");

    // Check the broker really holds every message once: drain the queue and count distinct events.
    await using var consumer = await BrokerConsumer.OpenAsync(broker.Url, queue);
    var received = await consumer.ReceiveAsync(settings.Messages, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10));
    var distinct = received.Select(message => JsonDocument.Parse(ReceivedMessage.Body(message)).RootElement.GetProperty("EventInstanceId").GetInt64()).Distinct().Count();
    Console.WriteLine($"consumer received {received.Count} messages, {distinct} distinct events");

    await BenchReport.WriteAsync(settings, elapsed, rate, metrics.SentTotal, received.Count, distinct);
    return received.Count == settings.Messages && distinct == settings.Messages ? 0 : 1;
}
finally
{
    await broker.DisposeAsync();
    await postgres.DisposeAsync();
}
