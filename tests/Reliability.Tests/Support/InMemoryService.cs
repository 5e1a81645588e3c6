using Ccd.Runtime.Commands;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Hosting;
using Ccd.Testing;
using Npgsql;
using Ccd.Runtime.Testing;

namespace Reliability.Tests.Support;

/// <summary>A service on the runtime with the configuration-only <see cref="BlobCaseType"/>, in memory, on its own test database.</summary>
internal sealed class InMemoryService : IAsyncDisposable
{
    /// <summary>The body limit of these tests: small enough to test 413 cheaply, large enough for long strings.</summary>
    public const int MaxRequestBodyBytes = 1024 * 1024;

    private static readonly CcdServiceDefinition Definition = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = app => app.MapCcdPersistence(),
    };

    private InMemoryService(TestServiceApp app, NpgsqlDataSource dataSource)
    {
        App = app;
        DataSource = dataSource;
    }

    public TestServiceApp App { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<InMemoryService> StartAsync(PostgresServer postgres, IDictionary<string, string?>? configuration = null)
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = BlobCaseType.Configuration();
        settings["Ccd:MaxRequestBodyBytes"] = MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await TestServiceApp.StartAsync(Definition, database, settings);
        return new InMemoryService(app, NpgsqlDataSource.Create(database));
    }

    public HttpClient CreateClient() => App.CreateClient();

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
