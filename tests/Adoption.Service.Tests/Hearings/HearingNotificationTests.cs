using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Testing;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Adoption.Service.Tests.Hearings;

/// <summary>
/// Issue 8, acceptance 2 for case type A58: listing a hearing enqueues one job in the event's transaction; the
/// worker runs it once after the commit and it notifies the assigned social worker once. The hosted worker is off
/// (<c>Ccd:Jobs:Enabled=false</c>): each test runs the worker's rounds itself, so "before" and "after" are exact.
/// </summary>
public sealed class HearingNotificationTests(PostgresServer postgres)
{
    private const string HearingDate = "2026-03-18";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<AdoptionApp> StartAsync(PostgresServer postgres) =>
        AdoptionApp.StartAsync(postgres, configuration: new Dictionary<string, string?> { ["Ccd:Jobs:Enabled"] = "false" });

    private static JobWorker Worker(AdoptionApp app) => app.App.Services.GetRequiredService<JobWorker>();

    /// <summary>A BFC case in DIRECTIONS with social worker sw-1, adopter ad-1, and sw-2 whose assignment was revoked.</summary>
    private static async Task<(string Id, long Reference)> CaseReadyForHearingAsync(AdoptionApp app, bool withSocialWorker = true)
    {
        var created = await app.CreateCaseAsync();
        if (withSocialWorker)
        {
            await app.AssignAsync(created.Id(), "sw-1", "social-worker");
            var revoked = await app.AssignAsync(created.Id(), "sw-2", "social-worker");
            using var revoke = await app.Admin().DeleteAsync($"/api/cases/{created.Id()}/assignments/{revoked.Id()}", Ct);
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        await app.AssignAsync(created.Id(), "ad-1", "adopter");
        using var directions = await app.Admin().PostAsJsonAsync($"/api/cases/{created.Id()}/status", new { status = "DIRECTIONS", version = 1 }, Ct);
        Assert.Equal(HttpStatusCode.OK, directions.StatusCode);
        return (created.Id(), long.Parse(created.GetProperty("ccdReference").GetString()!, CultureInfo.InvariantCulture));
    }

    private static async Task<CcdAnswer> ListThroughCcdAsync(
        AdoptionApp app, long reference, string? hearingDate = HearingDate, Guid? key = null, int? version = null)
    {
        var ccd = app.Ccd("caseworker-1", ["caseworker"], "BFC");
        var read = (await ccd.ReadAsync(reference))!["case_details"]!;
        var data = read["case_data"]!.AsObject().DeepClone().AsObject();
        data["hearingDate"] = hearingDate;
        return await ccd.UpdateAsync(reference, "listHearing", "HEARING", version ?? read["version"]!.GetValue<int>(), data, new CcdSubmitOptions { IdempotencyKey = key });
    }

    private static async Task<List<(string Recipient, string Kind, JsonNode Payload, string JobKey)>> NotificationsAsync(AdoptionApp app)
    {
        await using var command = app.Database.CreateCommand(
            "SELECT recipient_user_id, kind, payload::text, job_key FROM adoption.notifications ORDER BY recipient_user_id");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string, string, JsonNode, string)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), JsonNode.Parse(reader.GetString(2))!, reader.GetString(3)));
        }

        return rows;
    }

    private static async Task<string?> JobKeyAsync(AdoptionApp app)
    {
        await using var command = app.Database.CreateCommand("SELECT idempotency_key FROM ccd.jobs WHERE kind = 'adoption.notify-hearing-listed'");
        return (string?)await command.ExecuteScalarAsync(Ct);
    }

    [Fact]
    public async Task a_hearing_listed_through_ccd_enqueues_one_job_that_notifies_the_assigned_social_worker_once_after_commit()
    {
        await using var app = await StartAsync(postgres);
        var (id, reference) = await CaseReadyForHearingAsync(app);
        var key = Guid.NewGuid();

        var (status, body) = await ListThroughCcdAsync(app, reference, key: key);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(HearingDate, body!["case_details"]!["case_data"]!["hearingDate"]!.GetValue<string>());
        Assert.Equal($"{key}:notify-hearing", await JobKeyAsync(app));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.jobs WHERE status = 'queued' AND case_reference = @r", ("r", reference)));
        Assert.Empty(await NotificationsAsync(app));

        var firstRound = await Worker(app).RunDueAsync(Ct);
        var secondRound = await Worker(app).RunDueAsync(Ct);

        Assert.Equal((1, 0), (firstRound, secondRound));
        var notification = Assert.Single(await NotificationsAsync(app));
        Assert.Equal(("sw-1", "hearing-listed", $"{key}:notify-hearing"), (notification.Recipient, notification.Kind, notification.JobKey));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["caseReference"] = reference, ["hearingDate"] = HearingDate }, notification.Payload),
            notification.Payload.ToJsonString());
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.jobs WHERE status = 'done' AND attempts = 1"));
        Assert.Equal(1, await app.CountAsync(
            "SELECT count(*) FROM adoption.notifications n JOIN adoption.cases c ON c.id = n.case_id WHERE c.id = @id AND c.hearing_date = DATE '2026-03-18'",
            ("id", Guid.Parse(id))));
    }

    [Fact]
    public async Task a_replayed_listing_enqueues_nothing_new()
    {
        await using var app = await StartAsync(postgres);
        var (_, reference) = await CaseReadyForHearingAsync(app);
        var key = Guid.NewGuid();
        var (firstStatus, _) = await ListThroughCcdAsync(app, reference, key: key);
        var version = (await app.Ccd("caseworker-1", ["caseworker"], "BFC").ReadAsync(reference))!["case_details"]!["version"]!.GetValue<int>();

        // CCD retries with the same key and the same body (the version it started the event at).
        var (replayStatus, _) = await ListThroughCcdAsync(app, reference, key: key, version: version - 1);
        await Worker(app).RunDueAsync(Ct);

        // The replay answers the stored response (200) and runs nothing.
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (firstStatus, replayStatus));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.jobs"));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.case_event WHERE event_id = 'listHearing'"));
        Assert.Single(await NotificationsAsync(app));
    }

    [Fact]
    public async Task a_listing_that_rolls_back_leaves_no_job_and_no_hearing_date()
    {
        await using var app = await StartAsync(postgres);
        var (id, reference) = await CaseReadyForHearingAsync(app);
        var before = await app.SnapshotAsync();

        var (pastStatus, pastBody) = await ListThroughCcdAsync(app, reference, hearingDate: "2026-03-04");
        var (missingStatus, missingBody) = await ListThroughCcdAsync(app, reference, hearingDate: null);
        var (staleStatus, _) = await ListThroughCcdAsync(app, reference, version: 1);
        using var restPast = await app.Caseworker().PostAsJsonAsync($"/api/cases/{id}/status", new { status = "HEARING", version = 2, hearingDate = "2026-03-04" }, Ct);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Conflict), (pastStatus, missingStatus, staleStatus));
        Assert.Equal("The hearing date (hearingDate) 2026-03-04 is in the past.", Assert.Single(pastBody!["errors"]!.AsArray())!.GetValue<string>());
        Assert.Equal("Enter the hearing date (hearingDate).", Assert.Single(missingBody!["errors"]!.AsArray())!.GetValue<string>());
        await restPast.AssertProblemAsync(400, "hearingDate");
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM ccd.jobs"));
        Assert.Equal(0, await Worker(app).RunDueAsync(Ct));
        Assert.Empty(await NotificationsAsync(app));
    }

    [Fact]
    public async Task a_hearing_listed_through_the_rest_api_is_stored_shown_audited_and_notified_like_one_from_ccd()
    {
        await using var app = await StartAsync(postgres);
        var (id, reference) = await CaseReadyForHearingAsync(app);

        using var listed = await app.Caseworker().PostAsJsonAsync($"/api/cases/{id}/status", new { status = "HEARING", version = 2, hearingDate = HearingDate }, Ct);
        var claimed = await Worker(app).RunDueAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HearingDate, (await listed.JsonAsync()).GetProperty("hearingDate").GetString());
        var view = (await app.Ccd("caseworker-1", ["caseworker"], "BFC").ReadAsync(reference))!["case_details"]!["case_data"]!;
        Assert.Equal(HearingDate, view["hearingDate"]!.GetValue<string>());
        Assert.Contains($"| Hearing | {HearingDate} |", view["caseSummary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, await app.CountAsync(
            "SELECT count(*) FROM adoption.audit_log WHERE action = 'case.status-changed' AND details = @details::jsonb",
            ("details", """{"from": "DIRECTIONS", "to": "HEARING", "hearingDate": "2026-03-18"}""")));
        Assert.Equal(1, claimed);
        Assert.StartsWith("event-", await JobKeyAsync(app), StringComparison.Ordinal);
        Assert.Equal("sw-1", Assert.Single(await NotificationsAsync(app)).Recipient);
    }

    [Fact]
    public async Task a_hearing_job_run_again_after_its_lease_ran_out_does_not_notify_twice()
    {
        await using var app = await StartAsync(postgres);
        var (_, reference) = await CaseReadyForHearingAsync(app);
        await ListThroughCcdAsync(app, reference);
        await Worker(app).RunDueAsync(Ct);
        // As if the worker had crashed after notifying but before recording the job done: still running, under a lease.
        await using (var crashed = app.Database.CreateCommand(
            "UPDATE ccd.jobs SET status = 'running', lock_token = gen_random_uuid(), locked_until = @until"))
        {
            crashed.Parameters.AddWithValue("until", app.Time.GetUtcNow().UtcDateTime.AddMinutes(5));
            await crashed.ExecuteNonQueryAsync(Ct);
        }

        var beforeLease = await Worker(app).RunDueAsync(Ct);
        app.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var afterLease = await Worker(app).RunDueAsync(Ct);

        Assert.Equal((0, 1), (beforeLease, afterLease));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.jobs WHERE status = 'done' AND attempts = 2"));
        Assert.Single(await NotificationsAsync(app));
    }

    [Fact]
    public async Task a_hearing_job_stored_before_jobs_were_typed_still_runs_under_its_kind()
    {
        await using var app = await StartAsync(postgres);
        var (id, reference) = await CaseReadyForHearingAsync(app);
        // The row as the untyped job wrote it, under the kind the typed job keeps.
        await using (var connection = await app.Database.OpenConnectionAsync(Ct))
        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            await JobQueue.EnqueueAsync(connection, transaction, "adoption.notify-hearing-listed",
                new JsonObject { ["caseId"] = id, ["hearingDate"] = HearingDate }, "event-1:notify-hearing", reference, app.Time.GetUtcNow().UtcDateTime, Ct);
            await transaction.CommitAsync(Ct);
        }

        var runs = await app.App.Host.RunDueJobsAsync(Ct);

        var run = Assert.Single(runs);
        Assert.Equal(("adoption.notify-hearing-listed", CcdJobOutcome.Done, reference), (run.Kind, run.Outcome, run.CaseReference));
        var notification = Assert.Single(await NotificationsAsync(app));
        Assert.Equal(("sw-1", "event-1:notify-hearing"), (notification.Recipient, notification.JobKey));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["caseReference"] = reference, ["hearingDate"] = HearingDate }, notification.Payload),
            notification.Payload.ToJsonString());
    }

    [Fact]
    public async Task a_hearing_on_a_case_without_a_social_worker_notifies_nobody_and_the_job_succeeds()
    {
        await using var app = await StartAsync(postgres);
        var (_, reference) = await CaseReadyForHearingAsync(app, withSocialWorker: false);

        var (status, _) = await ListThroughCcdAsync(app, reference);
        var claimed = await Worker(app).RunDueAsync(Ct);

        Assert.Equal((HttpStatusCode.Created, 1), (status, claimed));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.jobs WHERE status = 'done'"));
        Assert.Empty(await NotificationsAsync(app));
    }

    [Fact]
    public async Task a_hearing_date_is_only_accepted_with_a_move_to_hearing_and_is_optional_through_the_rest_api()
    {
        await using var app = await StartAsync(postgres);
        var created = await app.CreateCaseAsync();

        using var withDirections = await app.Caseworker().PostAsJsonAsync($"/api/cases/{created.Id()}/status",
            new { status = "DIRECTIONS", version = 1, hearingDate = HearingDate }, Ct);
        using var directions = await app.Caseworker().PostAsJsonAsync($"/api/cases/{created.Id()}/status", new { status = "DIRECTIONS", version = 1 }, Ct);
        using var withoutDate = await app.Caseworker().PostAsJsonAsync($"/api/cases/{created.Id()}/status", new { status = "HEARING", version = 2 }, Ct);

        await withDirections.AssertProblemAsync(400, "hearingDate");
        Assert.Equal(HttpStatusCode.OK, directions.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withoutDate.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await withoutDate.JsonAsync()).GetProperty("hearingDate").ValueKind);
        // The typed job leaves out a member without a value (the runtime's JSON settings).
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM ccd.jobs WHERE payload = '{\"caseId\": \"" + created.Id() + "\"}'::jsonb"));
    }

    [Fact]
    public async Task the_notification_is_logged_in_one_line_of_ids_without_the_cases_data()
    {
        var logs = new LogCapture();
        await using var app = await AdoptionApp.StartAsync(postgres, configuration: new Dictionary<string, string?>
        {
            ["Ccd:Jobs:Enabled"] = "false",
            ["Logging:LogLevel:Adoption.Service"] = "Information",
        }, services: services => services.AddSingleton<ILoggerProvider>(logs));
        var (id, reference) = await CaseReadyForHearingAsync(app);
        await ListThroughCcdAsync(app, reference);

        await Worker(app).RunDueAsync(Ct);

        var line = Assert.Single(logs.Lines, l => l.Category.EndsWith("TableNotificationSender", StringComparison.Ordinal)).Message;
        Assert.Contains("sw-1", line, StringComparison.Ordinal);
        Assert.Contains(id, line, StringComparison.Ordinal);
        foreach (var caseData in new[] { "Alex Morgan", "Sam Morgan", "BFC/2026/00001", HearingDate, reference.ToString(CultureInfo.InvariantCulture) })
        {
            Assert.DoesNotContain(caseData, line, StringComparison.Ordinal);
        }
    }
}
