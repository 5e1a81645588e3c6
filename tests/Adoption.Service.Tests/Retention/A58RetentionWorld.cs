using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.CentralCcd;
using Ccd.Runtime.Retention;
using Ccd.Runtime.Testing;
using Ccd.Runtime.Wire;
using Ccd.Runtime.Writing;
using Ccd.Testing;
using Ccd.Testing.FakeCcd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;
using CentralCcdClient = Ccd.Runtime.CentralCcd.CcdDataStoreClient;

namespace Adoption.Service.Tests.Retention;

/// <summary>
/// The adoption service with its CCD client pointed at a fake central CCD (data store, IdAM, S2S) that calls the
/// service's <c>/ccd-persistence</c> back, both on one fake clock: A58's cases are created as CCD creates them (a
/// pointer in the fake, the case here), and <c>retention run</c> runs as the command does.
/// </summary>
internal sealed class A58RetentionWorld : IAsyncDisposable
{
    public const string CaseType = "A58";

    private A58RetentionWorld(AdoptionApp app, FakeCcd ccd)
    {
        App = app;
        Ccd = ccd;
    }

    public AdoptionApp App { get; }

    public FakeCcd Ccd { get; }

    public FakeTimeProvider Time => App.Time;

    public DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    public static async Task<A58RetentionWorld> StartAsync(PostgresServer postgres, IDictionary<string, string?>? configuration = null)
    {
        var time = new FakeTimeProvider(AdoptionApp.DefaultNow);
        var ccd = await FakeCcd.StartAsync(time);
        var settings = ccd.Configuration;
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await AdoptionApp.StartAsync(postgres, configuration: settings, time: time);
        ccd.DataStore.Service = app.App.CreateClient;
        return new A58RetentionWorld(app, ccd);
    }

    // `retention run` is a command and connects as the owner: disposal deletes history, which serve's role cannot.
    public RetentionRun Runner(RetentionOptions? options = null) => new(
        App.Database,
        ActivatorUtilities.CreateInstance<CaseWritePipeline>(App.App.Services, App.Database),
        Time,
        // The host's own registrations: the A58 policy is the one the service registers.
        App.App.Services.GetServices<ICaseRetentionPolicy>(),
        options ?? new RetentionOptions(),
        NullLogger<RetentionRun>.Instance,
        App.App.Services.GetRequiredService<CentralCcdClient>(),
        App.App.Services.GetRequiredService<IOptions<CentralCcdOptions>>().Value.Problem());

    public Task<RetentionReport> RunAsync(bool dryRun = false, RetentionOptions? options = null) =>
        Runner(options).RunAsync(dryRun, TestContext.Current.CancellationToken);

    /// <summary>
    /// A case CCD created (its pointer in the fake, with <paramref name="ttl"/> as CCD resolved it), with two
    /// assignments and a document, written through both APIs.
    /// </summary>
    public async Task<SeededCase> SeedAsync(string name = "Expired", DateOnly? ttl = null)
    {
        var reference = CaseReference.Mint();
        var pointer = Ccd.DataStore.AddPointer(reference, "ADOPTION", CaseType, ttl);
        var data = new JsonObject { ["courtCode"] = "BFC", ["applicantName"] = $"{name} Applicant", ["childName"] = $"{name} Child" };
        var ttlText = ttl?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (ttlText is not null)
        {
            data["TTL"] = new JsonObject { ["SystemTTL"] = ttlText, ["OverrideTTL"] = null, ["Suspended"] = "No" };
        }

        var created = await App.Ccd("caseworker-1", ["caseworker"], "BFC").CreateAsync(reference, "submitApplication", "APPLICATION", data,
            new CcdSubmitOptions { ResolvedTtl = ttlText, InternalCaseId = pointer.Id });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = await ScalarAsync<Guid>("SELECT id FROM adoption.cases WHERE ccd_reference = @r", ("r", reference));
        await App.AssignAsync(id.ToString(), "sw-1", "social-worker");
        await App.AssignAsync(id.ToString(), "adopter-1", "adopter");
        using var document = await App.Admin().PostAsJsonAsync($"/api/cases/{id}/documents",
            new { fileName = "report.pdf", contentType = "application/pdf", sizeBytes = 1234 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, document.StatusCode);
        return new SeededCase(reference, id);
    }

    /// <summary>The case's state and resolved TTL in <c>ccd.case_data</c>, or null once it is gone.</summary>
    public async Task<(string State, DateOnly? ResolvedTtl)?> LocalAsync(long reference)
    {
        await using var command = App.Database.CreateCommand("SELECT state, resolved_ttl FROM ccd.case_data WHERE reference = @r");
        command.Parameters.AddWithValue("r", reference);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        return await reader.ReadAsync(TestContext.Current.CancellationToken)
            ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateOnly>(1))
            : null;
    }

    /// <summary>Every row of the case, in the adoption tables and the <c>ccd</c> tables, as text.</summary>
    public Task<string> RowsOfAsync(SeededCase seeded) => ScalarAsync<string>("""
        SELECT coalesce((SELECT c::text FROM adoption.cases c WHERE c.id = @id), '-')
            || (SELECT count(*) FROM adoption.case_assignments WHERE case_id = @id)
            || (SELECT count(*) FROM adoption.documents WHERE case_id = @id)
            || (SELECT count(*) FROM adoption.notifications WHERE case_id = @id)
            || (SELECT count(*) || md5(coalesce(string_agg(a::text, ',' ORDER BY a.sequence), '')) FROM adoption.audit_log a WHERE case_id = @id)
            || coalesce((SELECT d::text FROM ccd.case_data d WHERE d.reference = @r), '-')
            || (SELECT count(*) FROM ccd.case_event WHERE case_reference = @r)
            || (SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = @r)
            || (SELECT count(*) FROM ccd.jobs WHERE case_reference = @r)
        """, ("id", seeded.Id), ("r", seeded.Reference));

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = App.Database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public Task ExecuteAsync(string sql) => StoreSeed.ExecuteAsync(App.Database, sql);

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Ccd.DisposeAsync();
    }
}

/// <summary>A seeded A58 case: its CCD reference and its adoption id.</summary>
internal sealed record SeededCase(long Reference, Guid Id);
