// SPEC P5 (publishing half) against its limit: the runtime's OutboxPublisher drains N queued outbox rows to the
// local AMQP 1.0 broker; then a bare AMQPNetLite sender (BareSender) sends the same N messages to the same broker.
// Both are measured in one run (each after a warm-up, in rounds, the faster of each kept), every message each delivered
// is checked (once, in order per case, the same message), and the ratio is judged against issue 21's target (>= 0.8). Real PostgreSQL (the tests'
// throwaway cluster) and a real RabbitMQ (tests/infra/amqp-broker.sh).
using System.Diagnostics;
using System.Runtime;
using Ccd.Bench;
using Ccd.Bench.Publishing;
using Ccd.Runtime.Publishing;
using Ccd.Runtime.Workers;
using Ccd.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

var settings = BenchSettings.Parse(args);
Console.WriteLine($"publishing bench: {settings.Messages} messages over {settings.Cases} cases, {settings.Publishers} publisher(s), batch {settings.BatchSize}, warm-up {settings.WarmupMessages}");

var postgres = new PostgresServer();
var broker = new AmqpBroker();
await postgres.InitializeAsync();
await broker.InitializeAsync();
try
{
    await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
    var errors = new List<string>();

    // Warm-up: a few batches each way (JIT, connections, the broker's queues), not measured.
    await OutboxSeed.InsertAsync(dataSource, settings.WarmupMessages, settings.Cases);
    await PublishAllAsync(dataSource, broker.Url, broker.NextQueue(), settings);
    await BareSender.SendAsync(broker.Url, broker.NextQueue(), await BareSender.LoadAsync(dataSource, 0), settings.BatchSize);

    // Rounds of runtime then bare sender, each on rows of its own (the same count), the faster run of each kept: a
    // moment of other work on the machine (the hypervisor's steal among it) slows one run, not both of one side.
    var pgData = Path.Combine(postgres.Directory, "data");
    var rounds = new List<(RunFigures Runtime, RunFigures Bare)>();
    for (var round = 1; round <= settings.Rounds; round++)
    {
        rounds.Add(await RoundAsync(round));
    }

    var runtime = rounds.Select(r => r.Runtime).MaxBy(r => r.Rate)!;
    var bare = rounds.Select(r => r.Bare).MaxBy(r => r.Rate)!;
    Console.WriteLine($"runtime {runtime.Rate:0}/s, bare sender {bare.Rate:0}/s: {runtime.Rate / bare.Rate:0.00} ×");
    foreach (var error in errors)
    {
        Console.WriteLine("ERROR: " + error);
    }

    await BenchReport.WriteAsync(settings, runtime, bare, rounds, errors);
    return errors.Count == 0 ? 0 : 1;

    // One round: settings.Messages fresh rows queued, the runtime's publishers drain them, then the bare sender sends
    // the same rows' messages; both queues are drained and checked against each other.
    async Task<(RunFigures Runtime, RunFigures Bare)> RoundAsync(int round)
    {
        var after = await MaxIdAsync(dataSource);
        var firstEvent = settings.WarmupMessages + (long)(round - 1) * settings.Messages + 1;
        await OutboxSeed.InsertAsync(dataSource, settings.Messages, settings.Cases, firstEventInstanceId: firstEvent);
        await using (var analyze = dataSource.CreateCommand("ANALYZE ccd.message_queue_candidates"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        // The bare sender's messages are read before either run, so both send exactly these rows.
        var rows = await BareSender.LoadAsync(dataSource, after);

        var runtimeQueue = broker.NextQueue();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var pgCpu = PostgresCpu.Of(pgData);
        var jitted = JitInfo.GetCompiledMethodCount();
        var runtimeElapsed = await PublishAllAsync(dataSource, broker.Url, runtimeQueue, settings);
        var runtimeCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var runtimePgCpu = PostgresCpu.Of(pgData) - pgCpu;
        var runtimeJitted = JitInfo.GetCompiledMethodCount() - jitted;
        var runtimeReceived = await QueueCheck.DrainAsync(broker.Url, runtimeQueue, settings.Messages);
        Console.WriteLine($"round {round}: runtime {settings.Messages} in {runtimeElapsed.TotalSeconds:0.00} s; the broker holds {runtimeReceived.Received} ({runtimeReceived.Distinct} distinct)");

        var bareQueue = broker.NextQueue();
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        pgCpu = PostgresCpu.Of(pgData);
        jitted = JitInfo.GetCompiledMethodCount();
        var bareElapsed = await BareSender.SendAsync(broker.Url, bareQueue, rows, settings.BatchSize);
        var bareCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var barePgCpu = PostgresCpu.Of(pgData) - pgCpu;
        var bareJitted = JitInfo.GetCompiledMethodCount() - jitted;
        var bareReceived = await QueueCheck.DrainAsync(broker.Url, bareQueue, rows.Count);
        Console.WriteLine($"round {round}: bare sender {rows.Count} in {bareElapsed.TotalSeconds:0.00} s; the broker holds {bareReceived.Received} ({bareReceived.Distinct} distinct)");

        foreach (var (who, check, expected) in new[] { ("the runtime", runtimeReceived, settings.Messages), ("the bare sender", bareReceived, rows.Count) })
        {
            if (check.Received != expected || check.Distinct != expected)
            {
                errors.Add($"round {round}, {who}: the broker received {check.Received} messages ({check.Distinct} distinct events) of {expected}");
            }

            if (check.CasesOutOfOrder > 0)
            {
                errors.Add($"round {round}, {who}: {check.CasesOutOfOrder} cases' events arrived out of order");
            }
        }

        var differences = runtimeReceived.DifferencesFrom(bareReceived);
        if (differences > 0)
        {
            errors.Add($"round {round}: {differences} messages differ between the runtime's queue and the bare sender's (missing from one, or another body or properties)");
        }

        return (new RunFigures(settings.Messages, runtimeElapsed, runtimeCpu, runtimePgCpu, runtimeReceived, runtimeJitted),
            new RunFigures(rows.Count, bareElapsed, bareCpu, barePgCpu, bareReceived, bareJitted));
    }
}
finally
{
    await broker.DisposeAsync();
    await postgres.DisposeAsync();
}

// The runtime's publishers, as a service runs them, from start until the outbox has nothing unsent.
static async Task<TimeSpan> PublishAllAsync(NpgsqlDataSource dataSource, string url, string queue, BenchSettings settings)
{
    var options = new PublishingOptions
    {
        Address = url,
        Entity = queue,
        BatchSize = settings.BatchSize,
        PollInterval = TimeSpan.FromMilliseconds(50),
    };
    var metrics = new PublishingMetrics();
    var senders = Enumerable.Range(0, settings.Publishers)
        .Select(_ => new AmqpOutboxSender(BrokerSettings.Resolve(options), options, NullLogger<AmqpOutboxSender>.Instance)).ToList();
    var publishers = senders.Select(sender => new OutboxPublisher(
        dataSource,
        sender,
        new OutboxRetention(dataSource, TimeProvider.System),
        new OutboxStatus(dataSource, TimeProvider.System),
        metrics,
        options,
        new WorkerSupervisor(new WorkerOptions(), TimeProvider.System, NullLogger<WorkerSupervisor>.Instance),
        TimeProvider.System,
        NullLogger<OutboxPublisher>.Instance)).ToList();

    var status = new OutboxStatus(dataSource, TimeProvider.System);
    var unsent = (await status.ReadAsync(CancellationToken.None)).UnsentCount;
    var clock = Stopwatch.StartNew();
    foreach (var publisher in publishers)
    {
        await publisher.StartAsync(CancellationToken.None);
    }

    // The end is watched on the publishers' own counters, woken by each batch as it ends (after its commit), rather
    // than by querying the outbox or polling a timer, either of which would load the machine under measurement; the
    // table is asked once the counter says all were sent, or every 5 s (a parked message never counts as sent), and
    // confirms the end. 30 minutes is a liveness ceiling, not a timing.
    var nextLook = TimeSpan.FromSeconds(5);
    while (true)
    {
        // Read before the sent count: a batch ending after this returns the wait below at once.
        var ended = publishers.Select(publisher => publisher.EndedBatches.Count).ToArray();
        if (metrics.SentTotal >= unsent || clock.Elapsed >= nextLook)
        {
            if ((await status.ReadAsync(CancellationToken.None)).UnsentCount == 0)
            {
                break;
            }

            nextLook = clock.Elapsed + TimeSpan.FromSeconds(5);
        }

        if (clock.Elapsed > TimeSpan.FromMinutes(30))
        {
            throw new TimeoutException($"The publishers sent {metrics.SentTotal} of {unsent} messages in 30 minutes.");
        }

        var next = publishers.Select((publisher, i) => publisher.EndedBatches.WaitBeyondAsync(ended[i], CancellationToken.None));
        await Task.WhenAny(next.Append(Task.Delay(TimeSpan.FromSeconds(1))));
    }

    var elapsed = clock.Elapsed;
    foreach (var publisher in publishers)
    {
        await publisher.StopAsync(CancellationToken.None);
        publisher.Dispose();
    }

    foreach (var sender in senders)
    {
        await sender.DisposeAsync();
    }

    return elapsed;
}

static async Task<long> MaxIdAsync(NpgsqlDataSource dataSource)
{
    await using var command = dataSource.CreateCommand("SELECT coalesce(max(id), 0) FROM ccd.message_queue_candidates");
    return (long)(await command.ExecuteScalarAsync())!;
}
