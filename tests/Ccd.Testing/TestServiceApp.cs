using Ccd.Runtime.Commands;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Testing;

/// <summary>A service on the runtime, running in memory against a test database (APP_ENV=TEST): the harness package's <see cref="CcdTestHost"/> under the name these tests use.</summary>
public sealed class TestServiceApp : IAsyncDisposable
{
    private TestServiceApp(CcdTestHost host) => Host = host;

    /// <summary>The harness host underneath.</summary>
    public CcdTestHost Host { get; }

    /// <summary>The running application.</summary>
    public WebApplication App => Host.App;

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>Starts <paramref name="definition"/> on <paramref name="connectionString"/> with extra configuration.</summary>
    public static async Task<TestServiceApp> StartAsync(
        CcdServiceDefinition definition,
        string connectionString,
        IDictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? services = null) =>
        new(await CcdTestHost.StartAsync(definition, connectionString, configuration, services));

    /// <summary>An HTTP client that talks to the in-memory server.</summary>
    public HttpClient CreateClient() => Host.CreateClient();

    /// <summary>A client sending <paramref name="userToken"/> as <c>Authorization: Bearer</c> and
    /// <paramref name="serviceToken"/> as <c>ServiceAuthorization</c> (each omitted when null).</summary>
    public HttpClient CreateClient(string? userToken, string? serviceToken) => Host.CreateClient(userToken, serviceToken);

    /// <summary>A client calling as CCD does: a user token for <paramref name="userId"/> and a service token for
    /// <paramref name="service"/> (<c>ccd_data</c> by default).</summary>
    public HttpClient CreateCcdClient(string userId = "user-1", IEnumerable<string>? roles = null, string? firstName = null, string? lastName = null, string service = TestTokens.CcdData) =>
        CreateClient(TestTokens.User(userId, roles, firstName: firstName, lastName: lastName), TestTokens.Service(service));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
