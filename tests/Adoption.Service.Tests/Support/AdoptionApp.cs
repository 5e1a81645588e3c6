using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Adoption.Service.Hosting;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Support;

/// <summary>
/// The adoption service in memory on its own migrated database, with a fake clock, clients for users with given
/// roles and courts, and a direct connection for assertions about rows.
/// </summary>
internal sealed class AdoptionApp : IAsyncDisposable
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 3, 5, 10, 0, 0, TimeSpan.Zero);

    private AdoptionApp(TestServiceApp app, NpgsqlDataSource database, FakeTimeProvider time, string connectionString)
    {
        App = app;
        Database = database;
        Time = time;
        ConnectionString = connectionString;
    }

    public TestServiceApp App { get; }

    /// <summary>A data source of the test's own, for arranging and asserting rows.</summary>
    public NpgsqlDataSource Database { get; }

    public FakeTimeProvider Time { get; }

    public string ConnectionString { get; }

    public static async Task<AdoptionApp> StartAsync(
        PostgresServer postgres, DateTimeOffset? now = null, IDictionary<string, string?>? configuration = null, Action<IServiceCollection>? services = null,
        FakeTimeProvider? time = null)
    {
        var connectionString = await postgres.CreateDatabaseAsync(AdoptionHost.Migrations);
        var clock = time ?? new FakeTimeProvider(now ?? DefaultNow);
        var app = await TestServiceApp.StartAsync(AdoptionDefinition.Service, connectionString, configuration, collection =>
        {
            collection.AddSingleton<TimeProvider>(clock);
            services?.Invoke(collection);
        });
        return new AdoptionApp(app, NpgsqlDataSource.Create(connectionString), clock, connectionString);
    }

    /// <summary>A client for user <paramref name="id"/> holding <paramref name="roles"/> and the courts of its token.</summary>
    public HttpClient Client(string id, string[] roles, params string[] courts) =>
        App.CreateClient(TestTokens.User(id, roles, courts), serviceToken: null);

    public HttpClient Admin() => Client("admin-1", ["admin"]);

    public HttpClient Caseworker(string court = "BFC", string id = "caseworker-1") => Client(id, ["caseworker"], court);

    public HttpClient Judge(string court = "BFC", string id = "judge-1") => Client(id, ["judge"], court);

    /// <summary>Creates a case as <paramref name="client"/> (an admin by default) and returns its JSON.</summary>
    public async Task<JsonElement> CreateCaseAsync(string court = "BFC", HttpClient? client = null, string applicant = "Alex Morgan", string child = "Sam Morgan")
    {
        using var response = await (client ?? Admin()).PostAsJsonAsync("/api/cases",
            new { courtCode = court, applicantName = applicant, childName = child }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> AssignAsync(string caseId, string userId, string role)
    {
        using var response = await Admin().PostAsJsonAsync($"/api/cases/{caseId}/assignments", new { userId, role }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Row counts of every adoption and ccd table, to prove that a refused request changed nothing.</summary>
    public async Task<string> SnapshotAsync()
    {
        const string sql = """
            SELECT string_agg(t || '=' || n, ',' ORDER BY t) FROM (
                SELECT 'cases' AS t, count(*) || '/' || coalesce(sum(version), 0) || '/' || count(deleted_at) AS n FROM adoption.cases
                UNION ALL SELECT 'assignments', count(*) || '/' || count(revoked_at) FROM adoption.case_assignments
                UNION ALL SELECT 'documents', count(*) || '/' || count(deleted_at) FROM adoption.documents
                UNION ALL SELECT 'audit', count(*)::text FROM adoption.audit_log
                UNION ALL SELECT 'sequences', coalesce(sum(last_number), 0)::text FROM adoption.court_sequences
                UNION ALL SELECT 'case_data', count(*) || '/' || coalesce(sum(revision), 0) FROM ccd.case_data
                UNION ALL SELECT 'case_event', count(*)::text FROM ccd.case_event
                UNION ALL SELECT 'es_queue', count(*)::text FROM ccd.es_queue
                UNION ALL SELECT 'outbox', count(*)::text FROM ccd.message_queue_candidates) s
            """;
        await using var command = Database.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}
