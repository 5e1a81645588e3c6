using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Retention;
using Ccd.Runtime.Testing;
using Ccd.Testing;
using Ccd.Testing.FakeCcd;
using Ccd.Testing.FakeElasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Adoption.Service.Tests.Retention;

/// <summary>
/// <c>retention run</c> for A58 in step with CCD, through the fake central CCD: the A58 policy names the cases whose
/// 100-year record period has ended, CCD's <c>MarkForDisposal</c> and <c>ConfirmDisposal</c> run on our
/// <c>/ccd-persistence</c>, and a case is deleted (the adoption service's disposal and the runtime's removal in one
/// transaction) only once CCD answers 404 for it. The audit log only ever grows.
/// </summary>
public sealed class A58RetentionTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset HundredYearsAfterCreation = AdoptionApp.DefaultNow.AddYears(100).AddDays(1);
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    private const string A58Type = A58RetentionWorld.CaseType;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Every audit row but the disposal's, as a fingerprint: equal before and after means no old row changed.
    private const string AuditFingerprintSql = """
        SELECT count(*) || ':' || md5(string_agg(a::text, E'\n' ORDER BY a.sequence)) FROM adoption.audit_log a WHERE a.action <> 'case.disposed'
        """;

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

    [Fact]
    public async Task a_case_past_its_100_years_is_marked_and_confirmed_through_ccd_and_then_takes_no_more_writes()
    {
        await using var world = await A58RetentionWorld.StartAsync(postgres);
        var expired = await world.SeedAsync();
        world.Time.Advance(TimeSpan.FromDays(5 * 365));
        // A TTL CCD resolved far shorter than the law's period makes no case a candidate, and its passing deletes nothing.
        var kept = await world.SeedAsync("Kept", new DateOnly(2033, 3, 5));
        var keptBefore = await world.RowsOfAsync(kept);
        world.Time.SetUtcNow(HundredYearsAfterCreation);

        var report = await world.RunAsync();

        Assert.Empty(report.Failures);
        Assert.Equal([expired.Reference], report.Marked.Select(c => c.Reference));
        Assert.Equal([expired.Reference], report.Confirmed.Select(c => c.Reference));
        Assert.Empty(report.Disposed);
        // CCD ran both events on our /ccd-persistence as its system user: PendingDisposal with today's TTL, here and in CCD's pointer.
        Assert.Equal(("PendingDisposal", (DateOnly?)world.Today), await world.LocalAsync(expired.Reference));
        Assert.Equal(world.Today, world.Ccd.DataStore.Pointers[expired.Reference].ResolvedTtl);
        Assert.Equal("PendingDisposal", await world.ScalarAsync<string>("SELECT status FROM adoption.cases WHERE id = @id", ("id", expired.Id)));
        Assert.Equal(2L, await world.ScalarAsync<long>(
            "SELECT count(*) FROM ccd.case_event WHERE case_reference = @r AND event_id IN ('MarkForDisposal', 'ConfirmDisposal') AND user_id = @u AND state_id = 'PendingDisposal'",
            ("r", expired.Reference), ("u", FakeCcd.SystemUserId)));
        Assert.Equal(1L, await world.ScalarAsync<long>(
            "SELECT count(*) FROM adoption.audit_log WHERE case_id = @id AND action = 'case.marked-for-disposal' AND actor = @u AND details ->> 'from' = 'APPLICATION'",
            ("id", expired.Id), ("u", FakeCcd.SystemUserId)));
        Assert.Equal(1L, await world.ScalarAsync<long>(
            "SELECT count(*) FROM adoption.audit_log WHERE case_id = @id AND action = 'case.disposal-confirmed' AND actor = @u AND details ->> 'systemTtl' = @ttl",
            ("id", expired.Id), ("u", FakeCcd.SystemUserId), ("ttl", world.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        Assert.Equal(keptBefore, await world.RowsOfAsync(kept));

        // The REST API shows the state and changes nothing of the case any more.
        using var read = await world.App.Admin().GetAsync($"/api/cases/{expired.Id}", Ct);
        Assert.Equal("PendingDisposal", (await read.JsonAsync()).GetProperty("status").GetString());
        var before = await world.RowsOfAsync(expired);
        using var patch = await world.App.Admin().PatchJsonAsync($"/api/cases/{expired.Id}", """{"applicantName": "Changed"}""", "\"5\"");
        Assert.Equal("urn:ccd:problem:case-pending-disposal", (await patch.AssertProblemAsync(422)).GetProperty("type").GetString());
        using var status = await world.App.Admin().PostAsJsonAsync($"/api/cases/{expired.Id}/status", new { status = "CLOSED", version = 4 }, Ct);
        await status.AssertProblemAsync(422);
        Assert.Equal(before, await world.RowsOfAsync(expired));
    }

    [Fact]
    public async Task a_case_ccd_still_returns_is_never_deleted_whatever_its_ttl()
    {
        await using var world = await A58RetentionWorld.StartAsync(postgres);
        var held = await world.SeedAsync();
        world.Time.SetUtcNow(HundredYearsAfterCreation);
        var marked = await world.RunAsync();
        Assert.Equal([held.Reference], marked.Confirmed.Select(c => c.Reference));
        var before = await world.RowsOfAsync(held);

        foreach (var years in new[] { 1, 10, 100 })
        {
            world.Time.Advance(TimeSpan.FromDays(365 * years));
            var report = await world.RunAsync();
            Assert.Equal([held.Reference], report.HeldByCcd.Select(c => c.Reference));
            Assert.Empty(report.Disposed);
            Assert.False(report.Failed);
        }

        Assert.Equal(before, await world.RowsOfAsync(held));
    }

    [Fact]
    public async Task once_ccd_has_disposed_of_its_pointer_the_case_goes_with_its_history_outbox_jobs_search_documents_and_adoption_rows()
    {
        await using var search = await FakeElasticsearch.StartAsync();
        await using var world = await A58RetentionWorld.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Ccd:Elasticsearch:Url"] = search.Url.ToString(),
            ["Ccd:Elasticsearch:TransportRetries"] = "0",
            ["Ccd:Jobs:Enabled"] = "false",
        });
        var expired = await world.SeedAsync();
        world.Time.Advance(TimeSpan.FromDays(5 * 365));
        var kept = await world.SeedAsync("Kept");
        var documentId = (await world.ScalarAsync<long>("SELECT id FROM ccd.case_data WHERE reference = @r", ("r", expired.Reference))).ToString(CultureInfo.InvariantCulture);
        var keptDocumentId = (await world.ScalarAsync<long>("SELECT id FROM ccd.case_data WHERE reference = @r", ("r", kept.Reference))).ToString(CultureInfo.InvariantCulture);
        await search.WaitForAsync(f => f.Get("a58_cases", documentId) is { Deleted: false } && f.Get("a58_cases", keptDocumentId) is { Deleted: false },
            Ceiling, "both cases are indexed");
        await world.ExecuteAsync($"""
            INSERT INTO ccd.message_queue_candidates (reference, message_type, time_stamp, message_information)
                VALUES ({expired.Reference}, 'CASE_EVENT', '2026-01-01', '{"{}"}');
            INSERT INTO ccd.jobs (kind, payload, idempotency_key, case_reference, next_attempt_at, created_at, updated_at)
                VALUES ('adoption.notify-hearing-listed', '{"{}"}', 'job-{expired.Reference}', {expired.Reference}, '2026-01-01', '2026-01-01', '2026-01-01');
            """);
        Assert.Equal(1L, await world.ScalarAsync<long>("SELECT count(*) FROM ccd.jobs WHERE case_reference = @r", ("r", expired.Reference)));
        Assert.NotEqual(0L, await world.ScalarAsync<long>("SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = @r", ("r", expired.Reference)));
        world.Time.SetUtcNow(HundredYearsAfterCreation);
        Assert.Equal([expired.Reference], (await world.RunAsync()).Confirmed.Select(c => c.Reference));
        var auditBefore = await world.ScalarAsync<string>(AuditFingerprintSql);
        var keptBefore = await world.RowsOfAsync(kept);

        // CCD's disposer removes the pointer on a later day; from then on CCD answers 404 and the case goes.
        world.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal([expired.Reference], world.Ccd.DataStore.DisposeExpiredPointers());
        var report = await world.RunAsync();

        Assert.Empty(report.Failures);
        Assert.Equal([expired.Reference], report.Disposed.Select(c => c.Reference));
        // The runtime's rows: the case, its history, outbox and jobs; its search documents are queued for deletion.
        Assert.Equal(0L, await world.ScalarAsync<long>("""
            SELECT (SELECT count(*) FROM ccd.case_data WHERE reference = @r) + (SELECT count(*) FROM ccd.case_event WHERE case_reference = @r)
                 + (SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = @r) + (SELECT count(*) FROM ccd.jobs WHERE case_reference = @r)
            """, ("r", expired.Reference)));
        Assert.Equal(1L, await world.ScalarAsync<long>("SELECT count(*) FROM ccd.es_removed_cases WHERE reference = @r", ("r", expired.Reference)));
        // The service's rows: assignments and document metadata deleted, the case row an anonymised, soft-deleted stub.
        Assert.Equal(0L, await world.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM adoption.case_assignments WHERE case_id = @id) + (SELECT count(*) FROM adoption.documents WHERE case_id = @id)",
            ("id", expired.Id)));
        Assert.Equal(1L, await world.ScalarAsync<long>("""
            SELECT count(*) FROM adoption.cases WHERE id = @id AND deleted_at IS NOT NULL AND applicant_name = 'disposed' AND child_name = 'disposed'
                AND applicant_email IS NULL AND applicant_phone IS NULL AND child_date_of_birth IS NULL AND status = 'PendingDisposal'
            """, ("id", expired.Id)));
        Assert.Equal(0L, await world.ScalarAsync<long>("SELECT count(*) FROM adoption.cases WHERE applicant_name LIKE '%Expired%' OR child_name LIKE '%Expired%'"));
        // The audit log keeps every old row as it was, plus exactly one row recording the disposal.
        Assert.Equal(auditBefore, await world.ScalarAsync<string>(AuditFingerprintSql));
        Assert.Equal(1L, await world.ScalarAsync<long>("""
            SELECT count(*) FROM adoption.audit_log WHERE action = 'case.disposed' AND entity = 'case' AND entity_id = @id AND case_id = @id
                AND actor = 'retention' AND details ->> 'keptFrom' = 'created' AND (details ->> 'documentsDeleted')::int = 1
                AND (details ->> 'assignmentsDeleted')::int = 2
            """, ("id", expired.Id)));
        Assert.Equal(1L, await world.ScalarAsync<long>("SELECT count(*) FROM adoption.audit_log WHERE action = 'case.disposed'"));
        // Nothing of the other case moved, and REST no longer shows the disposed one.
        Assert.Equal(keptBefore, await world.RowsOfAsync(kept));
        using var gone = await world.App.Admin().GetAsync($"/api/cases/{expired.Id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        await search.WaitForAsync(f => f.Get("a58_cases", documentId) is { Deleted: true }, Ceiling, "the disposed case's document is deleted");
        Assert.False(search.Get("a58_cases", keptDocumentId)!.Deleted);
    }

    [Fact]
    public async Task the_adoption_disposal_and_the_runtimes_removal_are_one_transaction()
    {
        await using var world = await A58RetentionWorld.StartAsync(postgres);
        var expired = await world.SeedAsync();
        world.Time.SetUtcNow(HundredYearsAfterCreation);
        await world.RunAsync();
        world.Time.Advance(TimeSpan.FromDays(2));
        world.Ccd.DataStore.DisposeExpiredPointers();
        var before = await world.RowsOfAsync(expired);
        // The runtime's delete of the case row fails after the adoption service has anonymised and audited.
        await world.ExecuteAsync($"""
            CREATE FUNCTION public.refuse_case_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF OLD.reference = {expired.Reference} THEN RAISE EXCEPTION 'case delete refused by the test'; END IF; RETURN OLD; END $$;
            CREATE TRIGGER refuse_case_delete BEFORE DELETE ON ccd.case_data FOR EACH ROW EXECUTE FUNCTION public.refuse_case_delete();
            """);

        var failed = await world.RunAsync();

        var failure = Assert.Single(failed.Failures);
        Assert.Equal((expired.Reference, "delete"), (failure.Reference, failure.Step));
        Assert.True(failed.Failed);
        Assert.Equal(before, await world.RowsOfAsync(expired));
        Assert.Equal(0L, await world.ScalarAsync<long>("SELECT count(*) FROM adoption.audit_log WHERE action = 'case.disposed'"));

        await world.ExecuteAsync("DROP TRIGGER refuse_case_delete ON ccd.case_data");
        var next = await world.RunAsync();
        Assert.Equal([expired.Reference], next.Disposed.Select(c => c.Reference));
        Assert.Equal(1L, await world.ScalarAsync<long>("SELECT count(*) FROM adoption.audit_log WHERE action = 'case.disposed'"));
    }

    [Fact]
    public async Task the_100_years_run_from_the_adoption_order_when_one_was_made()
    {
        // The job worker runs when the test says, so the hearing notification exists before the disposal.
        await using var world = await A58RetentionWorld.StartAsync(postgres, new Dictionary<string, string?> { ["Ccd:Jobs:Enabled"] = "false" });
        var ordered = await world.SeedAsync();
        var ccd = world.App.Ccd("caseworker-1", ["caseworker"], "BFC");
        world.Time.Advance(TimeSpan.FromDays(3 * 365));
        foreach (var (eventId, state) in new[] { ("issueDirections", "DIRECTIONS"), ("listHearing", "HEARING"), ("makeOrder", "ORDER_MADE") })
        {
            var read = await ccd.ReadAsync(ordered.Reference);
            var data = read!["case_details"]!["case_data"]!.AsObject().DeepClone().AsObject();
            if (eventId == "listHearing")
            {
                // listHearing needs a hearing date that is not in the past.
                data["hearingDate"] = DateOnly.FromDateTime(world.Time.GetUtcNow().UtcDateTime).AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            var (status, _) = await ccd.UpdateAsync(ordered.Reference, eventId, state, read["case_details"]!["version"]!.GetValue<int>(), data);
            Assert.Equal(HttpStatusCode.Created, status);
        }

        await world.App.App.Services.GetRequiredService<JobWorker>().RunDueAsync(Ct);
        Assert.Equal(1L, await world.ScalarAsync<long>("SELECT count(*) FROM adoption.notifications WHERE case_id = @id", ("id", ordered.Id)));
        Assert.NotEqual(0L, await world.ScalarAsync<long>("SELECT count(*) FROM ccd.jobs WHERE case_reference = @r", ("r", ordered.Reference)));

        // A hundred years after the application, but not after the order: not a candidate, CCD is not asked.
        world.Time.SetUtcNow(HundredYearsAfterCreation);
        var early = await world.RunAsync();
        Assert.Empty(early.Marked);
        Assert.Equal("ORDER_MADE", (await world.LocalAsync(ordered.Reference))!.Value.State);

        world.Time.SetUtcNow(HundredYearsAfterCreation.AddYears(3));
        Assert.Equal([ordered.Reference], (await world.RunAsync()).Confirmed.Select(c => c.Reference));
        world.Time.Advance(TimeSpan.FromDays(2));
        world.Ccd.DataStore.DisposeExpiredPointers();
        var late = await world.RunAsync();

        Assert.Equal([ordered.Reference], late.Disposed.Select(c => c.Reference));
        Assert.Equal(1L, await world.ScalarAsync<long>(
            "SELECT count(*) FROM adoption.audit_log WHERE action = 'case.disposed' AND details ->> 'keptFrom' = 'order' AND (details ->> 'notificationsDeleted')::int = 1"));
        Assert.Equal(0L, await world.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM adoption.notifications WHERE case_id = @id) + (SELECT count(*) FROM ccd.jobs WHERE case_reference = @r)",
            ("id", ordered.Id), ("r", ordered.Reference)));
    }

    [Fact]
    public async Task an_imported_case_the_service_never_wrote_goes_through_ccd_the_same_way_without_an_audit_row()
    {
        await using var world = await A58RetentionWorld.StartAsync(postgres);
        // Cases copied from central CCD by import: history only, no adoption rows. One created 101 years ago, one 30.
        var old = StoreSeed.Reference(1);
        var recent = StoreSeed.Reference(2);
        var now = world.Time.GetUtcNow().UtcDateTime;
        foreach (var (reference, years) in new[] { (old, 101), (recent, 30) })
        {
            var pointer = world.Ccd.DataStore.AddPointer(reference, "ADOPTION", A58Type);
            await StoreSeed.AddCaseAsync(world.App.Database, reference, A58Type, events: 3, now.AddYears(-years), internalId: pointer.Id);
        }

        await world.ExecuteAsync("UPDATE ccd.case_data SET state = 'CLOSED'; UPDATE ccd.case_event SET state_id = 'CLOSED', state_name = 'Closed'");
        var audit = await world.ScalarAsync<long>("SELECT count(*) FROM adoption.audit_log");

        var marked = await world.RunAsync();
        Assert.Empty(marked.Failures);
        Assert.Equal([old], marked.Confirmed.Select(c => c.Reference));
        Assert.Equal(("PendingDisposal", (DateOnly?)world.Today), await world.LocalAsync(old));
        world.Time.Advance(TimeSpan.FromDays(2));
        world.Ccd.DataStore.DisposeExpiredPointers();
        var report = await world.RunAsync();

        Assert.Equal([old], report.Disposed.Select(c => c.Reference));
        Assert.Null(await world.LocalAsync(old));
        Assert.Equal(3L, await world.ScalarAsync<long>("SELECT count(*) FROM ccd.case_event WHERE case_reference = @r", ("r", recent)));
        Assert.Equal(audit, await world.ScalarAsync<long>("SELECT count(*) FROM adoption.audit_log"));
    }

    [Fact]
    public async Task a_dry_run_lists_what_would_be_marked_and_changes_nothing()
    {
        await using var world = await A58RetentionWorld.StartAsync(postgres);
        var expired = await world.SeedAsync();
        world.Time.Advance(TimeSpan.FromDays(5 * 365));
        await world.SeedAsync("Kept");
        world.Time.SetUtcNow(HundredYearsAfterCreation);
        var before = await world.App.SnapshotAsync();

        var report = await world.RunAsync(dryRun: true);

        Assert.Equal(RetentionOutcome.DryRun, report.Outcome);
        Assert.Equal([expired.Reference], report.Marked.Select(c => c.Reference));
        Assert.Equal(before, await world.App.SnapshotAsync());
        Assert.DoesNotContain(world.Ccd.DataStore.Requests, r => r.Method != "GET" || r.Path.Contains("event-triggers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task only_the_system_user_runs_the_disposal_events_and_a_confirm_without_ccds_ttl_is_refused()
    {
        await using var world = await A58RetentionWorld.StartAsync(postgres);
        var seeded = await world.SeedAsync();
        var ccd = world.App.Ccd("caseworker-1", ["caseworker"], "BFC");
        var read = await ccd.ReadAsync(seeded.Reference);
        var version = read!["case_details"]!["version"]!.GetValue<int>();
        var before = await world.RowsOfAsync(seeded);

        var byCaseworker = await ccd.UpdateAsync(seeded.Reference, "MarkForDisposal", "PendingDisposal", version, read["case_details"]!["case_data"]!.AsObject().DeepClone().AsObject());

        Assert.Equal(HttpStatusCode.OK, byCaseworker.Status);
        Assert.Contains("system user", byCaseworker.Body!["errors"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await world.RowsOfAsync(seeded));

        // A CCD definition whose ConfirmDisposal has no TTL increment: the confirm is refused, so no TTL, no deletion.
        world.Ccd.DataStore.Events["ConfirmDisposal"] = new FakeEventDefinition("Confirm disposal", ["PendingDisposal"], "PendingDisposal", TtlIncrementDays: null);
        world.Time.SetUtcNow(HundredYearsAfterCreation);
        var report = await world.RunAsync();

        Assert.Equal([seeded.Reference], report.Marked.Select(c => c.Reference));
        var failure = Assert.Single(report.Failures);
        Assert.Equal((seeded.Reference, "confirm"), (failure.Reference, failure.Step));
        Assert.True(report.Failed);
        Assert.Equal(("PendingDisposal", (DateOnly?)null), await world.LocalAsync(seeded.Reference));
    }

    [Fact]
    public async Task a_case_type_not_in_ccd_is_deleted_under_the_local_only_switch_while_a58_goes_through_ccd()
    {
        await using var world = await A58RetentionWorld.StartAsync(postgres);
        var expired = await world.SeedAsync();
        // A case type CCD does not hold, past its TTL.
        var local = StoreSeed.Reference(7);
        await StoreSeed.AddCaseAsync(world.App.Database, local, "B1", events: 2, world.Time.GetUtcNow().UtcDateTime, new DateOnly(2026, 3, 1));
        world.Time.SetUtcNow(HundredYearsAfterCreation);

        var report = await world.RunAsync(options: new RetentionOptions { LocalOnlyCaseTypes = ["B1"] });

        Assert.Empty(report.Failures);
        Assert.Equal([local], report.Disposed.Select(c => c.Reference));
        Assert.Null(await world.LocalAsync(local));
        Assert.Equal([expired.Reference], report.Confirmed.Select(c => c.Reference));
        Assert.Equal("PendingDisposal", (await world.LocalAsync(expired.Reference))!.Value.State);
        Assert.DoesNotContain(world.Ccd.DataStore.Requests, r => r.Path.Contains(local.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }
}
