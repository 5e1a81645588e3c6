using Ccd.Runtime.Publishing;
using Ccd.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using NpgsqlTypes;
using Xunit;

namespace Ccd.Runtime.Tests.Publishing;

public sealed class OutboxRetentionTests(PostgresServer postgres)
{
    private static readonly DateTime Start = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Unspecified);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Sets `published` of the row with <paramref name="eventInstanceId"/> (null = unsent).</summary>
    private static async Task SetPublishedAsync(NpgsqlDataSource dataSource, long eventInstanceId, DateTime? published)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE ccd.message_queue_candidates SET published = @published WHERE (message_information ->> 'EventInstanceId')::bigint = @event");
        command.Parameters.Add(new NpgsqlParameter("published", NpgsqlDbType.Timestamp) { Value = (object?)published ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<long>("event", eventInstanceId));
        await command.ExecuteNonQueryAsync(Token);
    }

    private static async Task<long[]> RemainingAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT (message_information ->> 'EventInstanceId')::bigint FROM ccd.message_queue_candidates ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(Token);
        var remaining = new List<long>();
        while (await reader.ReadAsync(Token))
        {
            remaining.Add(reader.GetInt64(0));
        }

        return [.. remaining];
    }

    [Fact]
    public async Task retention_deletes_rows_published_longer_ago_than_the_period_and_never_unsent_ones()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await OutboxSeed.InsertAsync(dataSource, count: 4, cases: 4, timeStamp: Start.AddDays(-30));
        await SetPublishedAsync(dataSource, 1, Start.AddDays(-8));              // published 8 days ago
        await SetPublishedAsync(dataSource, 2, Start.AddDays(-6));              // published 6 days ago
        await SetPublishedAsync(dataSource, 3, Start.AddDays(-7).AddMinutes(1)); // just inside 7 days
        // Event 4 was written 30 days ago and is still unsent.
        var clock = new FakeTimeProvider(new DateTimeOffset(Start, TimeSpan.Zero));
        var retention = new OutboxRetention(dataSource, clock);

        var firstSweep = await retention.DeleteExpiredAsync(TimeSpan.FromDays(7), Token);
        var afterFirst = await RemainingAsync(dataSource);
        clock.Advance(TimeSpan.FromDays(2));
        var secondSweep = await retention.DeleteExpiredAsync(TimeSpan.FromDays(7), Token);
        clock.Advance(TimeSpan.FromDays(365));
        var thirdSweep = await retention.DeleteExpiredAsync(TimeSpan.FromDays(7), Token);

        Assert.Equal(1, firstSweep);
        Assert.Equal(new long[] { 2, 3, 4 }, afterFirst);
        Assert.Equal(2, secondSweep);
        Assert.Equal(0, thirdSweep);
        Assert.Equal(new long[] { 4 }, await RemainingAsync(dataSource));
    }

    [Fact]
    public async Task status_counts_unsent_rows_and_ages_the_oldest_by_the_injected_clock()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var clock = new FakeTimeProvider(new DateTimeOffset(Start, TimeSpan.Zero));
        var status = new OutboxStatus(dataSource, clock);
        var empty = await status.ReadAsync(Token);
        await OutboxSeed.InsertAsync(dataSource, count: 3, cases: 2, timeStamp: Start.AddMinutes(-5));
        await SetPublishedAsync(dataSource, 1, Start);

        var backlog = await status.ReadAsync(Token);

        Assert.Equal(new OutboxSnapshot(0, null), empty);
        Assert.Equal(new OutboxSnapshot(2, TimeSpan.FromMinutes(5)), backlog);
    }
}
