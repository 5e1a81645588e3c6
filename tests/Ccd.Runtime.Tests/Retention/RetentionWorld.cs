using Ccd.Runtime.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.CentralCcd;
using Ccd.Runtime.Retention;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;
using Ccd.Runtime.Wire;
using Ccd.Runtime.Writing;
using Ccd.Testing;
using Ccd.Testing.FakeCcd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Retention;

/// <summary>
/// The test service (case type <c>FT_Blob</c>, which declares CCD's <c>MarkForDisposal</c> and
/// <c>ConfirmDisposal</c>) in memory, and a fake central CCD that calls it back, on one fake clock.
/// </summary>
internal sealed class RetentionWorld : IAsyncDisposable
{
    public const string CaseType = TestService.BlobType;

    private RetentionWorld(FakeTimeProvider time, FakeCcd ccd, TestServiceApp app, NpgsqlDataSource database)
    {
        Time = time;
        Ccd = ccd;
        App = app;
        Database = database;
    }

    public FakeTimeProvider Time { get; }

    public FakeCcd Ccd { get; }

    public TestServiceApp App { get; }

    public NpgsqlDataSource Database { get; }

    public DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    public static async Task<RetentionWorld> StartAsync(PostgresServer postgres, IDictionary<string, string?>? configuration = null, bool withCcdClient = true, Microsoft.Extensions.Logging.ILoggerProvider? logging = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 5, 10, 0, 0, TimeSpan.Zero));
        var ccd = await FakeCcd.StartAsync(time);
        var database = await postgres.CreateDatabaseAsync(TestSchema.Migrations);
        var settings = TestService.BlobTypeConfiguration();
        settings["Ccd:CaseTypes:0:Events:3:Id"] = RetentionRun.MarkEvent;
        settings["Ccd:CaseTypes:0:Events:3:Name"] = "Mark for disposal";
        settings["Ccd:CaseTypes:0:Events:4:Id"] = RetentionRun.ConfirmEvent;
        settings["Ccd:CaseTypes:0:Events:4:Name"] = "Confirm disposal";
        if (withCcdClient)
        {
            foreach (var (key, value) in ccd.Configuration)
            {
                settings[key] = value;
            }
        }

        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await TestServiceApp.StartAsync(TestService.Definition, database, settings, services =>
        {
            services.AddSingleton<TimeProvider>(time);
            if (logging is not null)
            {
                services.AddSingleton(logging);
            }
        });
        ccd.DataStore.Service = app.CreateClient;
        return new RetentionWorld(time, ccd, app, NpgsqlDataSource.Create(database));
    }

    // `retention run` is a command and connects as the owner: disposal deletes history, which serve's role cannot.
    public RetentionRun Runner(IEnumerable<ICaseRetentionPolicy>? policies = null, RetentionOptions? options = null) => new(
        Database,
        ActivatorUtilities.CreateInstance<CaseWritePipeline>(App.Services, Database),
        Time,
        policies ?? [],
        options ?? new RetentionOptions(),
        App.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RetentionRun>>(),
        App.Services.GetRequiredService<Ccd.Runtime.CentralCcd.CcdDataStoreClient>(),
        App.Services.GetRequiredService<IOptions<CentralCcdOptions>>().Value.Problem());

    public Task<RetentionReport> RunAsync(IEnumerable<ICaseRetentionPolicy>? policies = null, bool dryRun = false) =>
        Runner(policies).RunAsync(dryRun, TestContext.Current.CancellationToken);

    /// <summary>A case created as CCD creates one (its pointer in the fake, its data here), in <paramref name="state"/>.</summary>
    public async Task<long> CreateCaseAsync(string state = "Open", DateOnly? ttl = null)
    {
        var reference = CaseReference.Mint();
        var data = new JsonObject { ["note"] = $"note of {reference}" };
        if (ttl is not null)
        {
            data["TTL"] = new JsonObject { ["SystemTTL"] = ttl.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["OverrideTTL"] = null, ["Suspended"] = "No" };
        }

        var pointer = Ccd.DataStore.AddPointer(reference, TestService.Jurisdiction, CaseType, ttl);
        var body = Payloads.Create(reference, CaseType, "create", data, state);
        body["internal_case_id"] = pointer.Id;
        body["resolved_ttl"] = ttl?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var ccd = new Ccd.Runtime.Testing.CcdDataStoreClient(App.CreateCcdClient());
        var reply = await ccd.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return reference;
    }

    public async Task<(string State, DateOnly? ResolvedTtl)?> LocalAsync(long reference)
    {
        await using var command = Database.CreateCommand("SELECT state, resolved_ttl FROM ccd.case_data WHERE reference = @r");
        command.Parameters.AddWithValue("r", reference);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        return await reader.ReadAsync(TestContext.Current.CancellationToken)
            ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateOnly>(1))
            : null;
    }

    public async Task<long> CountAsync(string sql, long? reference = null)
    {
        await using var command = Database.CreateCommand(sql);
        if (reference is not null)
        {
            command.Parameters.AddWithValue("r", reference.Value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of every <c>ccd</c> table that holds case data, as text: equal before and after means nothing changed.</summary>
    public async Task<string> SnapshotAsync() => (await ScalarAsync("""
        SELECT md5(coalesce(string_agg(x, E'\n' ORDER BY x), '')) FROM (
            SELECT 'c' || c::text FROM ccd.case_data c
            UNION ALL SELECT 'e' || e::text FROM ccd.case_event e
            UNION ALL SELECT 'm' || m::text FROM ccd.message_queue_candidates m
            UNION ALL SELECT 'j' || j::text FROM ccd.jobs j
            UNION ALL SELECT 'q' || q.reference FROM ccd.es_queue q) t(x)
        """))!;

    public async Task<string?> ScalarAsync(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        return (await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))?.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
        await Ccd.DisposeAsync();
    }
}

/// <summary>A policy naming exactly the given cases, and recording each disposal in the service's own table.</summary>
internal sealed class NamedCasesPolicy(params long[] references) : ICaseRetentionPolicy
{
    public string CaseTypeId => RetentionWorld.CaseType;

    public Func<long, bool> FailDisposalOf { get; init; } = _ => false;

    public Task<IReadOnlyCollection<long>> FindCandidatesAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyCollection<long>>(references);

    public async Task<bool> DisposeOfCaseAsync(CaseDisposal disposal, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("INSERT INTO testservice.notes (reference, note) VALUES (@r, 'disposed')", disposal.Connection, disposal.Transaction);
        command.Parameters.AddWithValue("r", disposal.Reference);
        await command.ExecuteNonQueryAsync(cancellationToken);
        if (FailDisposalOf(disposal.Reference))
        {
            throw new InvalidOperationException("the service's disposal failed after writing");
        }

        return true;
    }
}
