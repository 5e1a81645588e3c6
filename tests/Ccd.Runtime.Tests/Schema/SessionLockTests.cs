using Ccd.Runtime.Schema;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Schema;

/// <summary>The one session advisory lock (migrations, import, retention) against real sessions.</summary>
public sealed class SessionLockTests(PostgresServer postgres)
{
    [Fact]
    public async Task a_session_lock_is_held_by_one_session_until_disposed()
    {
        const long key = 0x6363642D74657374; // "ccd-test"
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateEmptyDatabaseAsync());
        await using var first = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var second = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);

        var held = await SessionLock.TryTakeAsync(first, key, TestContext.Current.CancellationToken);
        Assert.NotNull(held);
        Assert.Null(await SessionLock.TryTakeAsync(second, key, TestContext.Current.CancellationToken));

        await held.DisposeAsync();
        await using var taken = await SessionLock.TryTakeAsync(second, key, TestContext.Current.CancellationToken);
        Assert.NotNull(taken);
    }
}
