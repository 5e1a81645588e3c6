using Ccd.Runtime.Database;
using Ccd.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using NpgsqlTypes;
using Xunit;

namespace Ccd.Runtime.Tests.Database;

/// <summary>The one database clock against a real <c>timestamp</c> column.</summary>
public sealed class DatabaseClockTests(PostgresServer postgres)
{
    // A time with digits below the microsecond, which PostgreSQL does not keep.
    private static readonly DateTimeOffset Instant = new DateTimeOffset(2026, 12, 1, 10, 11, 12, TimeSpan.Zero).AddTicks(1_234_567);

    [Fact]
    public async Task now_equals_what_a_timestamp_column_stores_and_stores_what_the_unrounded_time_stored()
    {
        var time = new FakeTimeProvider(Instant);
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());
        await using (var create = dataSource.CreateCommand("CREATE TABLE t (id int, at timestamp)"))
        {
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var now = DatabaseClock.Now(time);
        // Before the one clock, most places passed the clock's time unrounded, of unspecified kind.
        var unrounded = DateTime.SpecifyKind(time.GetUtcNow().UtcDateTime, DateTimeKind.Unspecified);
        await using (var insert = dataSource.CreateCommand("INSERT INTO t VALUES (1, @a), (2, @b)"))
        {
            insert.Parameters.Add(new NpgsqlParameter<DateTime>("a", NpgsqlDbType.Timestamp) { TypedValue = now });
            insert.Parameters.Add(new NpgsqlParameter<DateTime>("b", NpgsqlDbType.Timestamp) { TypedValue = unrounded });
            await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var stored = new List<DateTime>();
        await using (var select = dataSource.CreateCommand("SELECT at FROM t ORDER BY id"))
        await using (var reader = await select.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                stored.Add(reader.GetDateTime(0));
            }
        }

        Assert.Equal(DateTimeKind.Unspecified, now.Kind);
        Assert.Equal(new DateTime(2026, 12, 1, 10, 11, 12).AddTicks(1_234_560), now);
        Assert.Equal([now, now], stored);
        Assert.Equal(DateTimeKind.Utc, DatabaseClock.AsUtc(stored[0]).Kind);
        Assert.Equal(now, DatabaseClock.ToStored(Instant.UtcDateTime));
    }

    [Fact]
    public void the_case_tables_take_now_to_the_millisecond_as_ccd_shows_it()
    {
        var now = DatabaseClock.NowToMillisecond(new FakeTimeProvider(Instant));

        Assert.Equal(new DateTime(2026, 12, 1, 10, 11, 12, 123), now);
        Assert.Equal(DateTimeKind.Unspecified, now.Kind);
    }
}
