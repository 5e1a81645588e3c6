using Ccd.Runtime.Publishing;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Ccd.Runtime.Tests.Publishing;

/// <summary>Builds publishers the way the host does, on a test database and a test queue, with short pauses.</summary>
internal static class TestPublishers
{
    public static PublishingOptions Options(string brokerUrl, string queue) => new()
    {
        Address = brokerUrl,
        Entity = queue,
        BatchSize = 200,
        PollInterval = TimeSpan.FromMilliseconds(100),
        SendTimeout = TimeSpan.FromSeconds(10),
    };

    public static OutboxPublisher Create(
        NpgsqlDataSource dataSource, PublishingOptions options, TimeProvider? time = null, PublishingMetrics? metrics = null, WorkerSupervisor? supervisor = null) =>
        new(
            dataSource,
            Sender(options),
            new OutboxRetention(dataSource, time ?? TimeProvider.System),
            new OutboxStatus(dataSource, time ?? TimeProvider.System),
            metrics ?? new PublishingMetrics(),
            options,
            supervisor ?? Supervisor(time ?? TimeProvider.System),
            time ?? TimeProvider.System,
            NullLogger<OutboxPublisher>.Instance);

    /// <summary>A supervisor with short restart pauses (200 ms doubling up to 2 s), so a publisher back from a broker outage goes on soon.</summary>
    public static WorkerSupervisor Supervisor(TimeProvider time) =>
        new(new WorkerOptions { FirstRestartPauseMilliseconds = 200, MaxRestartPauseSeconds = 2 }, time, NullLogger<WorkerSupervisor>.Instance);

    public static AmqpOutboxSender Sender(PublishingOptions options) =>
        new(BrokerSettings.Resolve(options), options, NullLogger<AmqpOutboxSender>.Instance);

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits (polling, with a liveness ceiling) until no outbox row is unsent.</summary>
    public static async Task WaitUntilAllPublishedAsync(NpgsqlDataSource dataSource, TimeSpan ceiling)
    {
        var deadline = DateTime.UtcNow + ceiling;
        while (await ScalarAsync(dataSource, "SELECT count(*) FROM ccd.message_queue_candidates WHERE published IS NULL") > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Outbox rows still unsent after {ceiling.TotalSeconds:0} s.");
            }

            await Task.Delay(100);
        }
    }
}
