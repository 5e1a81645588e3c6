using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Ccd.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Ccd.Runtime.Tests.Database;

/// <summary>Which connection each role gets from the settings, without a database (the URLs are only parsed).</summary>
public sealed class DatabaseTargetTests
{
    private const string Pooled = "postgres://app:app-pw@db.example:6432/store";
    private const string Owner = "postgres://owner:owner-pw@db.example:5432/store";

    private static DatabaseTarget Resolve(AppEnvironment environment, DatabaseRole role, Dictionary<string, string?> settings, bool pooled = false, int? directPort = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new CcdDatabaseOptions { TransactionPooling = pooled, DirectPort = directPort };
        return DatabaseTarget.Resolve(configuration, environment, options, role, local: null);
    }

    [Fact]
    public void serve_uses_the_serving_url_and_migrate_the_owner_url()
    {
        var settings = new Dictionary<string, string?> { ["PROD_DATABASE_URL"] = Pooled.Replace(":6432", ":5432", StringComparison.Ordinal), ["PROD_MIGRATION_DATABASE_URL"] = Owner };

        var serve = Resolve(AppEnvironment.Prod, DatabaseRole.Runtime, settings);
        var migrate = Resolve(AppEnvironment.Prod, DatabaseRole.Owner, settings);

        Assert.Equal(("app", 64, "-c jit=off"), (serve.Connection.Username, serve.Connection.MaxAutoPrepare, serve.Connection.Options));
        Assert.Equal("owner", migrate.Connection.Username);
        Assert.True(serve.CanListen);
        Assert.False(serve.CreatesRuntimeLogin);
    }

    [Fact]
    public void behind_a_transaction_pool_preparation_and_startup_options_are_off_and_listen_goes_to_the_direct_port()
    {
        var target = Resolve(AppEnvironment.Prod, DatabaseRole.Runtime, new() { ["PROD_DATABASE_URL"] = Pooled }, pooled: true, directPort: 5432);

        Assert.Equal((6432, 0, true), (target.Connection.Port, target.Connection.MaxAutoPrepare, target.Connection.NoResetOnClose));
        Assert.Null(target.Connection.Options);
        Assert.Equal((5432, "app"), (target.Direct!.Port, target.Direct.Username));
        Assert.Contains("LISTEN/NOTIFY over the direct connection db.example:5432/store", target.DescribeForLog(), StringComparison.Ordinal);
        Assert.DoesNotContain("app-pw", target.DescribeForLog(), StringComparison.Ordinal);
    }

    [Fact]
    public void behind_a_transaction_pool_without_a_direct_connection_the_workers_poll_and_say_so()
    {
        var target = Resolve(AppEnvironment.Prod, DatabaseRole.Runtime, new() { ["PROD_DATABASE_URL"] = Pooled }, pooled: true);

        Assert.False(target.CanListen);
        Assert.Contains("no direct connection configured, so LISTEN/NOTIFY is off and the workers poll", target.DescribeForLog(), StringComparison.Ordinal);
    }

    [Fact]
    public void migrating_through_a_transaction_pool_without_a_direct_connection_is_refused_at_start_up()
    {
        var failure = Assert.Throws<CcdStartupException>(() => Resolve(AppEnvironment.Prod, DatabaseRole.Owner, new() { ["PROD_DATABASE_URL"] = Pooled }, pooled: true));

        Assert.Contains("PROD_MIGRATION_DATABASE_URL", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void test_serves_as_the_runtime_login_it_creates_and_migrates_as_the_configured_user()
    {
        var target = Resolve(AppEnvironment.Test, DatabaseRole.Runtime, new() { ["TEST_DATABASE_URL"] = Owner });

        Assert.True(target.CreatesRuntimeLogin);
        Assert.Equal((RuntimeRoles.LocalLogin, "owner-pw"), (target.Connection.Username, target.Connection.Password));
        Assert.Equal("owner", target.Owner!.Username);
    }
}
