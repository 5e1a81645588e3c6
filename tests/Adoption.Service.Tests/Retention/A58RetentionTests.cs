using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Adoption.Service.Retention;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Retention;
using Ccd.Runtime.Testing;
using Ccd.Runtime.Wire;
using Ccd.Runtime.Writing;
using Ccd.Testing;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Retention;

/// <summary>
/// <c>retention run</c> on the adoption service with its registered A58 policy: CCD's TTL makes a case a
/// candidate, the 100-year adoption record period decides, and the audit log only ever grows.
/// </summary>
public sealed class A58RetentionTests(PostgresServer postgres)
{
    // CCD resolves a TTL far shorter than the law's period, as a misconfigured or generic TTL would be.
    private const string Ttl = "2033-03-05";
    private static readonly DateTimeOffset AfterTtl = new(2040, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset HundredYearsAfterCreation = AdoptionApp.DefaultNow.AddYears(100).AddDays(1);
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    private const string A58Type = "A58";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_candidates_are_the_cases_whose_100_years_have_ended_whatever_their_ttl()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var now = app.Time.GetUtcNow().UtcDateTime;
        await StoreSeed.AddCaseAsync(app.Database, StoreSeed.Reference(1), A58Type, events: 1, now.AddYears(-101), resolvedTtl: null, internalId: 9001);
        await StoreSeed.AddCaseAsync(app.Database, StoreSeed.Reference(2), A58Type, events: 1, now.AddYears(-99), DateOnly.FromDateTime(now).AddYears(-50), internalId: 9002);
        var policy = app.App.Services.GetServices<ICaseRetentionPolicy>().Single(p => p.CaseTypeId == A58Type);
        await using var connection = await app.Database.OpenConnectionAsync(Ct);

        var candidates = await policy.FindCandidatesAsync(connection, app.Time.GetUtcNow(), Ct);

        Assert.Equal([StoreSeed.Reference(1)], candidates);
    }

    // Every row the service keeps for a case except its audit trail, and the audit trail's own fingerprint.
    private const string AuditFingerprintSql = """
        SELECT count(*) || ':' || md5(string_agg(a::text, E'\n' ORDER BY a.sequence)) FROM adoption.audit_log a WHERE a.action <> 'case.disposed'
        """;

    [Fact]
    public async Task a_dry_run_lists_an_adoption_case_past_its_ttl_and_changes_nothing()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var expired = await SeedAsync(app, Ttl);
        await SeedAsync(app, ttl: null);
        app.Time.SetUtcNow(HundredYearsAfterCreation);
        var before = await app.SnapshotAsync();

        var report = await Runner(app).RunAsync(dryRun: true, Ct);

        Assert.Equal(RetentionOutcome.DryRun, report.Outcome);
        Assert.Equal([expired.Reference], report.Candidates.Select(c => c.Reference));
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task a_case_past_its_ttl_within_its_100_years_is_retained_whole()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var expired = await SeedAsync(app, Ttl);
        app.Time.SetUtcNow(AfterTtl);
        var before = await app.SnapshotAsync();

        var report = await Runner(app).RunAsync(dryRun: false, Ct);

        Assert.Equal([expired.Reference], report.Retained.Select(c => c.Reference));
        Assert.Empty(report.Disposed);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.NotNull(await app.Ccd("admin-1", ["admin"]).ReadAsync(expired.Reference));
    }

    [Fact]
    public async Task after_100_years_the_case_is_disposed_of_its_audit_trail_kept_the_disposal_audited_and_its_search_documents_deleted()
    {
        await using var fake = await FakeElasticsearch.StartAsync();
        await using var app = await AdoptionApp.StartAsync(postgres, configuration: new Dictionary<string, string?>
        {
            ["Ccd:Elasticsearch:Url"] = fake.Url.ToString(),
            ["Ccd:Elasticsearch:TransportRetries"] = "0",
        });
        var expired = await SeedAsync(app, Ttl);
        var kept = await SeedAsync(app, ttl: null);
        var documentId = await DocumentIdAsync(app, expired);
        var keptDocumentId = await DocumentIdAsync(app, kept);
        await fake.WaitForAsync(f => f.Get("a58_cases", documentId) is { Deleted: false } && f.Get("a58_cases", keptDocumentId) is { Deleted: false },
            Ceiling, "both cases are indexed");
        var auditBefore = await ScalarAsync<string>(app, AuditFingerprintSql);
        var keptBefore = await RowsOfAsync(app, kept);
        app.Time.SetUtcNow(HundredYearsAfterCreation);

        var report = await Runner(app).RunAsync(dryRun: false, Ct);

        Assert.Equal([expired.Reference], report.Disposed.Select(c => c.Reference));
        // The runtime's rows are gone: CCD no longer reads the case or its history.
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM ccd.case_data WHERE reference = @r", ("r", expired.Reference)));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM ccd.case_event WHERE case_reference = @r", ("r", expired.Reference)));
        // The service's rows: assignments and document metadata deleted, the case row an anonymised, soft-deleted stub.
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM adoption.case_assignments WHERE case_id = @id", ("id", expired.Id)));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM adoption.documents WHERE case_id = @id", ("id", expired.Id)));
        Assert.Equal(1, await app.CountAsync("""
            SELECT count(*) FROM adoption.cases WHERE id = @id AND deleted_at IS NOT NULL AND applicant_name = 'disposed' AND child_name = 'disposed'
                AND applicant_email IS NULL AND applicant_phone IS NULL AND child_date_of_birth IS NULL
            """, ("id", expired.Id)));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM adoption.cases WHERE applicant_name LIKE '%Expired%' OR child_name LIKE '%Expired%'"));
        // The audit log keeps every old row as it was, plus exactly one row recording the disposal.
        Assert.Equal(auditBefore, await ScalarAsync<string>(app, AuditFingerprintSql));
        Assert.Equal(1, await app.CountAsync("""
            SELECT count(*) FROM adoption.audit_log WHERE action = 'case.disposed' AND entity = 'case' AND entity_id = @id AND case_id = @id
                AND actor = 'retention' AND details ->> 'keptFrom' = 'created' AND (details ->> 'documentsDeleted')::int = 1
                AND (details ->> 'assignmentsDeleted')::int = 2
            """, ("id", expired.Id)));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.audit_log WHERE action = 'case.disposed'"));
        // Nothing of the other case moved, and REST no longer shows the disposed one.
        Assert.Equal(keptBefore, await RowsOfAsync(app, kept));
        using var gone = await app.Admin().GetAsync($"/api/cases/{expired.Id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        // The indexer sends the delete the disposal queued.
        await fake.WaitForAsync(f => f.Get("a58_cases", documentId) is { Deleted: true }, Ceiling, "the disposed case's document is deleted");
        Assert.False(fake.Get("a58_cases", keptDocumentId)!.Deleted);
    }

    [Fact]
    public async Task the_100_years_run_from_the_adoption_order_when_one_was_made()
    {
        // The job worker runs when the test says, so the hearing notification exists before the disposal.
        await using var app = await AdoptionApp.StartAsync(postgres, configuration: new Dictionary<string, string?> { ["Ccd:Jobs:Enabled"] = "false" });
        var ordered = await SeedAsync(app, Ttl);
        var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");
        app.Time.Advance(TimeSpan.FromDays(3 * 365));
        foreach (var (eventId, state) in new[] { ("issueDirections", "DIRECTIONS"), ("listHearing", "HEARING"), ("makeOrder", "ORDER_MADE") })
        {
            var read = await ccd.ReadAsync(ordered.Reference);
            var data = read!["case_details"]!["case_data"]!.AsObject().DeepClone().AsObject();
            if (eventId == "listHearing")
            {
                // listHearing needs a hearing date that is not in the past.
                data["hearingDate"] = DateOnly.FromDateTime(app.Time.GetUtcNow().UtcDateTime).AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            var (status, _) = await ccd.UpdateAsync(ordered.Reference, eventId, state, read["case_details"]!["version"]!.GetValue<int>(), data, new CcdSubmitOptions { ResolvedTtl = Ttl });
            Assert.Equal(HttpStatusCode.Created, status);
        }

        await app.App.Services.GetRequiredService<JobWorker>().RunDueAsync(Ct);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.notifications WHERE case_id = @id", ("id", ordered.Id)));

        // A hundred years after the application, but not after the order: kept.
        app.Time.SetUtcNow(HundredYearsAfterCreation);
        var early = await Runner(app).RunAsync(dryRun: false, Ct);
        Assert.Equal([ordered.Reference], early.Retained.Select(c => c.Reference));

        app.Time.SetUtcNow(HundredYearsAfterCreation.AddYears(3));
        var late = await Runner(app).RunAsync(dryRun: false, Ct);
        Assert.Equal([ordered.Reference], late.Disposed.Select(c => c.Reference));
        Assert.Equal(1, await app.CountAsync(
            "SELECT count(*) FROM adoption.audit_log WHERE action = 'case.disposed' AND details ->> 'keptFrom' = 'order' AND (details ->> 'notificationsDeleted')::int = 1"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM adoption.notifications WHERE case_id = @id", ("id", ordered.Id)));
    }

    [Fact]
    public async Task an_imported_case_the_service_never_wrote_is_kept_for_100_years_from_creation_then_disposed_of_without_an_audit_row()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        // Cases copied from central CCD by import: history only, no adoption rows. One created 101 years ago, one 30.
        var old = StoreSeed.Reference(1);
        var recent = StoreSeed.Reference(2);
        var now = app.Time.GetUtcNow().UtcDateTime;
        await StoreSeed.AddCaseAsync(app.Database, old, "A58", events: 3, now.AddYears(-101), DateOnly.FromDateTime(now).AddDays(-1), internalId: 9001);
        await StoreSeed.AddCaseAsync(app.Database, recent, "A58", events: 3, now.AddYears(-30), DateOnly.FromDateTime(now).AddDays(-1), internalId: 9002);
        var audit = await app.CountAsync("SELECT count(*) FROM adoption.audit_log");

        var report = await Runner(app).RunAsync(dryRun: false, Ct);

        Assert.Equal([old], report.Disposed.Select(c => c.Reference));
        Assert.Equal([recent], report.Retained.Select(c => c.Reference));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM ccd.case_data WHERE reference = @r", ("r", old)));
        Assert.Equal(3, await app.CountAsync("SELECT count(*) FROM ccd.case_event WHERE case_reference = @r", ("r", recent)));
        Assert.Equal(audit, await app.CountAsync("SELECT count(*) FROM adoption.audit_log"));
    }

    // `retention run` is a command and connects as the owner: disposal deletes history, which serve's role cannot.
    private static RetentionRun Runner(AdoptionApp app) => new(
        app.Database,
        ActivatorUtilities.CreateInstance<CaseWritePipeline>(app.App.Services, app.Database),
        app.Time,
        // The host's own registrations: proves the A58 policy is registered.
        app.App.Services.GetServices<ICaseRetentionPolicy>(),
        // The local-only mode: A58 does not yet declare CCD's disposal events (docs/operations.md, retention).
        new RetentionOptions { LocalOnlyCaseTypes = [A58Type] },
        NullLogger<RetentionRun>.Instance);

    /// <summary>A case CCD created with <paramref name="ttl"/>, two assignments and a document, written through both APIs.</summary>
    private static async Task<SeededCase> SeedAsync(AdoptionApp app, string? ttl)
    {
        var reference = CaseReference.Mint();
        var name = ttl is null ? "Kept" : "Expired";
        var (status, _) = await app.Ccd("caseworker-1", ["caseworker"], "BFC")
            .SubmitApplicationAsync(reference, new JsonObject { ["courtCode"] = "BFC", ["applicantName"] = $"{name} Applicant", ["childName"] = $"{name} Child" }, ttl);
        Assert.Equal(HttpStatusCode.Created, status);
        var id = await ScalarAsync<Guid>(app, "SELECT id FROM adoption.cases WHERE ccd_reference = @r", ("r", reference));
        await app.AssignAsync(id.ToString(), "sw-1", "social-worker");
        await app.AssignAsync(id.ToString(), "adopter-1", "adopter");
        using var document = await app.Admin().PostAsJsonAsync($"/api/cases/{id}/documents",
            new { fileName = "report.pdf", contentType = "application/pdf", sizeBytes = 1234 }, Ct);
        Assert.Equal(HttpStatusCode.Created, document.StatusCode);
        return new SeededCase(reference, id);
    }

    private static Task<string> RowsOfAsync(AdoptionApp app, SeededCase seeded) => ScalarAsync<string>(app, """
        SELECT (SELECT c::text FROM adoption.cases c WHERE c.id = @id)
            || (SELECT count(*) FROM adoption.case_assignments WHERE case_id = @id)
            || (SELECT count(*) FROM adoption.documents WHERE case_id = @id)
            || (SELECT count(*) FROM adoption.audit_log WHERE case_id = @id)
            || (SELECT d::text FROM ccd.case_data d WHERE d.reference = @r)
            || (SELECT count(*) FROM ccd.case_event WHERE case_reference = @r)
        """, ("id", seeded.Id), ("r", seeded.Reference));

    private static async Task<string> DocumentIdAsync(AdoptionApp app, SeededCase seeded) =>
        (await app.CountAsync("SELECT id FROM ccd.case_data WHERE reference = @r", ("r", seeded.Reference))).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<T> ScalarAsync<T>(AdoptionApp app, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = app.Database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    private sealed record SeededCase(long Reference, Guid Id);
}
