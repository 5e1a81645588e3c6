using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

public sealed class MigrationGateTests(PostgresServer postgres)
{
    [Fact]
    public async Task dev_with_missing_migrations_refuses_to_start_naming_migrate_and_starts_after_it()
    {
        var environment = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "DEV",
            ["DEV_DATABASE_URL"] = await postgres.CreateEmptyDatabaseAsync(),
        };
        foreach (var (key, value) in DevSettings.Auth)
        {
            environment[key] = value;
        }

        var refused = await ServiceBinary.RunAsync(environment, TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("not up to date", refused.Output, StringComparison.Ordinal);
        Assert.Contains("'migrate'", refused.Output, StringComparison.Ordinal);

        var migrate = await ServiceBinary.RunAsync(environment, TimeSpan.FromSeconds(60), "migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        Assert.Contains("applied ccd/0001_ccd_schema.sql", migrate.Output, StringComparison.Ordinal);

        var again = await ServiceBinary.RunAsync(environment, TimeSpan.FromSeconds(60), "migrate");
        Assert.Contains("nothing applied", again.Output, StringComparison.Ordinal);

        await using var service = ServiceBinary.Start(environment);
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }
}

/// <summary>Settings a DEV process needs besides its database (identity provider addresses it never calls in these tests).</summary>
internal static class DevSettings
{
    public static IReadOnlyDictionary<string, string?> Auth { get; } = new Dictionary<string, string?>();
}
