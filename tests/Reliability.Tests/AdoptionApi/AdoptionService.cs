using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Adoption.Service.Hosting;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Testing;
using Ccd.Testing;
using Npgsql;
using Reliability.Tests.Support;

namespace Reliability.Tests.AdoptionApi;

/// <summary>
/// The adoption service in memory on its own migrated database (both the <c>ccd</c> and <c>adoption</c> schemas), with
/// the same body limit as <see cref="InMemoryService"/>, and requests as a given user of its REST API.
/// </summary>
internal sealed class AdoptionService : IAsyncDisposable
{
    private AdoptionService(TestServiceApp app, NpgsqlDataSource dataSource)
    {
        App = app;
        DataSource = dataSource;
    }

    public TestServiceApp App { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The service as its <c>Program.cs</c> builds it.</summary>
    private static readonly CcdServiceDefinition Definition = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime().AddAdoption(),
        ConfigureApp = app =>
        {
            app.MapCcdPersistence();
            app.MapAdoptionApi();
        },
    };

    public static readonly string AdminToken = TestTokens.User("admin-1", ["admin"]);

    public static async Task<AdoptionService> StartAsync(PostgresServer postgres)
    {
        var database = await postgres.CreateDatabaseAsync(AdoptionHost.Migrations);
        var settings = new Dictionary<string, string?>
        {
            ["Ccd:MaxRequestBodyBytes"] = InMemoryService.MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var app = await TestServiceApp.StartAsync(Definition, database, settings);
        return new AdoptionService(app, NpgsqlDataSource.Create(database));
    }

    public HttpClient CreateClient() => App.CreateClient();

    /// <summary>A request of the REST API as the user of <paramref name="token"/> (an admin by default).</summary>
    public static RawRequest Api(string method, string path, string? json = null, string? token = null, params KeyValuePair<string, string?>[] headers) =>
        ApiBytes(method, path, json is null ? null : Encoding.UTF8.GetBytes(json), token, headers);

    public static RawRequest ApiBytes(string method, string path, byte[]? body, string? token = null, params KeyValuePair<string, string?>[] headers) =>
        new(method, path, body) { Headers = [new("Authorization", "Bearer " + (token ?? AdminToken)), new("ServiceAuthorization", null), .. headers] };

    /// <summary>Sends <paramref name="request"/> and fails unless it gets <paramref name="status"/>; the answer's JSON.</summary>
    public static async Task<JsonNode?> ExpectAsync(HttpClient client, HttpStatusCode status, RawRequest request)
    {
        var reply = await request.SendAsync(client, CancellationToken.None);
        if (reply.Status != status)
        {
            throw new InvalidOperationException($"{request.Method} {request.Path}: expected {(int)status}, got {reply}");
        }

        return reply.Bytes.Length == 0 ? null : reply.Json;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
