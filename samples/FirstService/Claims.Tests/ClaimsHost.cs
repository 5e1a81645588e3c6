using Ccd.Runtime.Hosting;
using Ccd.Runtime.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(Claims.Tests.ClaimsHost))]

namespace Claims.Tests;

/// <summary>One throwaway PostgreSQL server for the test run; each test starts the service on a database of its own.</summary>
public sealed class ClaimsHost : IAsyncLifetime
{
    private static readonly CcdServiceDefinition Service = new()
    {
        ConfigureServices = builder => builder.AddClaims(),
        ConfigureApp = app => app.MapCcdPersistence(),
    };

    private CcdTestDatabase _server = null!;

    // Jobs run when a test says so (RunDueJobsAsync), not on the service's own worker.
    public async Task<CcdTestHost> StartAsync() => await CcdTestHost.StartAsync(
        Service, await _server.CreateDatabaseAsync(), new Dictionary<string, string?> { ["Ccd:Jobs:Enabled"] = "false" });

    public async ValueTask InitializeAsync() => _server = await CcdTestDatabase.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
