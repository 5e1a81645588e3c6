using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Testing;

/// <summary>A service on the runtime, running in memory against a test database (APP_ENV=TEST).</summary>
public sealed class TestServiceApp : IAsyncDisposable
{
    private TestServiceApp(WebApplication app) => App = app;

    /// <summary>The running application.</summary>
    public WebApplication App { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>Starts <paramref name="definition"/> on <paramref name="connectionString"/> with extra configuration.</summary>
    public static async Task<TestServiceApp> StartAsync(
        CcdHostDefinition definition,
        string connectionString,
        IDictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "TEST",
            ["TEST_DATABASE_URL"] = connectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Ccd:Auth:SigningKey"] = TestTokens.SigningKey,
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        // Test registrations run after the service's own, so they replace them (a fake clock, a fake client).
        var withOverrides = new CcdHostDefinition
        {
            Description = definition.Description,
            ConfigureServices = builder =>
            {
                definition.ConfigureServices(builder);
                services?.Invoke(builder.Services);
            },
            ConfigureApp = definition.ConfigureApp,
            Commands = definition.Commands,
        };
        var app = CcdHost.Build([], withOverrides, builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(settings);
        });

        await CcdHost.PrepareDatabaseAsync(app);
        await app.StartAsync();
        return new TestServiceApp(app);
    }

    /// <summary>An HTTP client that talks to the in-memory server.</summary>
    public HttpClient CreateClient() => App.GetTestClient();

    /// <summary>A client sending <paramref name="userToken"/> as <c>Authorization: Bearer</c> and
    /// <paramref name="serviceToken"/> as <c>ServiceAuthorization</c> (each omitted when null).</summary>
    public HttpClient CreateClient(string? userToken, string? serviceToken)
    {
        var client = CreateClient();
        if (userToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", userToken);
        }

        if (serviceToken is not null)
        {
            client.DefaultRequestHeaders.Add("ServiceAuthorization", serviceToken);
        }

        return client;
    }

    /// <summary>A client calling as CCD does: a user token for <paramref name="userId"/> and a service token for
    /// <paramref name="service"/> (<c>ccd_data</c> by default).</summary>
    public HttpClient CreateCcdClient(string userId = "user-1", IEnumerable<string>? roles = null, string? firstName = null, string? lastName = null, string service = TestTokens.CcdData) =>
        CreateClient(TestTokens.User(userId, roles, firstName: firstName, lastName: lastName), TestTokens.Service(service));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
