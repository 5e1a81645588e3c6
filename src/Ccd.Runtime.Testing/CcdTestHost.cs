using Ccd.Runtime.Commands;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ccd.Runtime.Testing;

/// <summary>
/// A service (its <see cref="CcdServiceDefinition"/>, as <c>Program.cs</c> builds it) started in memory with
/// APP_ENV=TEST on a test database: migrated, its background workers running, answering through an in-memory
/// HTTP server. Clients call it as CCD's data store does (<see cref="DataStore"/>) or as any caller
/// (<see cref="CreateClient(string?, string?)"/>).
/// </summary>
public sealed partial class CcdTestHost : IAsyncDisposable
{
    private CcdTestHost(WebApplication app, string connectionString)
    {
        App = app;
        ConnectionString = connectionString;
        Database = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>The running application.</summary>
    public WebApplication App { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>The test database's connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>A data source of the test's own on the service's database, for arranging and asserting rows.</summary>
    public NpgsqlDataSource Database { get; }

    /// <summary>
    /// Starts <paramref name="definition"/> on <paramref name="connectionString"/> (see <see cref="CcdTestDatabase"/>)
    /// with extra <paramref name="configuration"/> (keys as in appsettings, e.g. <c>Ccd:Elasticsearch:Url</c>) and
    /// <paramref name="services"/> registered after the service's own, so they replace them (a fake client). With
    /// <paramref name="time"/> the application runs on that clock (<see cref="Time"/>, <see cref="AdvanceTime"/>).
    /// </summary>
    public static async Task<CcdTestHost> StartAsync(
        CcdServiceDefinition definition,
        string connectionString,
        IDictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? services = null,
        FakeTimeProvider? time = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["APP_ENV"] = "TEST",
            ["TEST_DATABASE_URL"] = connectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Ccd:Auth:SigningKey"] = CcdTestTokens.SigningKey,
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var withOverrides = new CcdServiceDefinition
        {
            ConfigureServices = builder =>
            {
                definition.ConfigureServices(builder);
                if (time is not null)
                {
                    builder.Services.AddSingleton<TimeProvider>(time);
                }

                services?.Invoke(builder.Services);
            },
            ConfigureApp = definition.ConfigureApp,
        };
        var app = withOverrides.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(settings);
        });

        // Starting runs the runtime's start-up preparation first: the database check, migrations, start-up checks.
        await app.StartAsync();
        return new CcdTestHost(app, connectionString);
    }

    /// <summary>An HTTP client on the in-memory server, without tokens.</summary>
    public HttpClient CreateClient() => App.GetTestClient();

    /// <summary>A client sending <paramref name="userToken"/> as <c>Authorization: Bearer</c> and <paramref name="serviceToken"/> as <c>ServiceAuthorization</c> (each left out when null).</summary>
    public HttpClient CreateClient(string? userToken, string? serviceToken)
    {
        var client = CreateClient();
        if (userToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
        }

        if (serviceToken is not null)
        {
            client.DefaultRequestHeaders.Add("ServiceAuthorization", serviceToken);
        }

        return client;
    }

    /// <summary>CCD's data store calling for user <paramref name="userId"/> (with <paramref name="roles"/> and <paramref name="courts"/>) about <paramref name="caseType"/>.</summary>
    public CcdDataStoreClient DataStore(CcdCaseType caseType, string userId = "user-1", IEnumerable<string>? roles = null, IEnumerable<string>? courts = null) =>
        new(CreateClient(CcdTestTokens.User(userId, roles, courts), CcdTestTokens.Service()), caseType);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}
