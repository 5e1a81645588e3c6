using Ccd.Runtime.Commands;
using System.Net;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Retention;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Retention;

/// <summary>
/// <c>retention run</c> in step with CCD (the reference runtime's retain-and-dispose): mark through CCD, confirm
/// what CCD lets the system user read, and delete locally only after CCD answers 404.
/// </summary>
public sealed class RetentionWithCcdTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_named_case_is_marked_and_confirmed_through_ccd_and_deleted_only_after_ccd_has_disposed_of_its_pointer()
    {
        await using var world = await RetentionWorld.StartAsync(postgres);
        var named = await world.CreateCaseAsync();
        var other = await world.CreateCaseAsync();
        var policy = new NamedCasesPolicy(named);

        var first = await world.RunAsync([policy]);

        // CCD ran both events on our /ccd-persistence: the case is PendingDisposal with today's TTL, here and in CCD's pointer.
        Assert.Equal([named], first.Marked.Select(c => c.Reference));
        Assert.Equal([named], first.Confirmed.Select(c => c.Reference));
        Assert.Empty(first.Failures);
        Assert.Equal(("PendingDisposal", (DateOnly?)world.Today), await world.LocalAsync(named));
        Assert.Equal(world.Today, world.Ccd.DataStore.Pointers[named].ResolvedTtl);
        Assert.Equal(2, await world.CountAsync(
            $"SELECT count(*) FROM ccd.case_event WHERE case_reference = @r AND event_id IN ('MarkForDisposal', 'ConfirmDisposal') AND user_id = '{Ccd.Testing.FakeCcd.FakeCcd.SystemUserId}'", named));
        Assert.Equal(("Open", (DateOnly?)null), await world.LocalAsync(other));

        // The TTL passes, but CCD's disposer has not run yet: CCD still returns the case, so it stays.
        world.Time.Advance(TimeSpan.FromDays(2));
        var second = await world.RunAsync([policy]);
        Assert.Equal([named], second.HeldByCcd.Select(c => c.Reference));
        Assert.Empty(second.Disposed);
        Assert.NotNull(await world.LocalAsync(named));

        // CCD's disposer removes the pointer; now CCD answers 404 and the case goes.
        Assert.Equal([named], world.Ccd.DataStore.DisposeExpiredPointers());
        var third = await world.RunAsync([policy]);
        Assert.Equal([named], third.Disposed.Select(c => c.Reference));
        Assert.Empty(third.Failures);
        Assert.Null(await world.LocalAsync(named));
        Assert.Equal(1, await world.CountAsync("SELECT count(*) FROM testservice.notes WHERE reference = @r AND note = 'disposed'", named));
        Assert.NotNull(await world.LocalAsync(other));
    }

    [Fact]
    public async Task a_case_ccd_still_returns_is_never_deleted_whatever_its_ttl()
    {
        await using var world = await RetentionWorld.StartAsync(postgres);
        var held = await world.CreateCaseAsync("PendingDisposal", new DateOnly(2020, 1, 1));
        var before = await world.SnapshotAsync();

        foreach (var years in new[] { 1, 10, 100 })
        {
            world.Time.Advance(TimeSpan.FromDays(365 * years));
            var report = await world.RunAsync();
            Assert.Equal([held], report.HeldByCcd.Select(c => c.Reference));
            Assert.Empty(report.Disposed);
            Assert.False(report.Failed);
        }

        Assert.Equal(before, await world.SnapshotAsync());
    }

    [Fact]
    public async Task a_404_deletes_the_case_its_history_outbox_jobs_and_search_documents_in_one_transaction_and_a_failed_one_keeps_everything()
    {
        await using var world = await RetentionWorld.StartAsync(postgres);
        var gone = await world.CreateCaseAsync("PendingDisposal", new DateOnly(2026, 3, 1));
        var failing = await world.CreateCaseAsync("PendingDisposal", new DateOnly(2026, 3, 1));
        await StoreSeed.ExecuteAsync(world.Database, """
            INSERT INTO ccd.message_queue_candidates (reference, message_type, time_stamp, message_information)
                SELECT reference, 'CASE_EVENT', '2026-01-01', '{}' FROM ccd.case_data;
            INSERT INTO ccd.jobs (kind, payload, idempotency_key, case_reference, next_attempt_at, created_at, updated_at)
                SELECT 'notify', '{}', 'job-' || reference, reference, '2026-01-01', '2026-01-01', '2026-01-01' FROM ccd.case_data;
            INSERT INTO ccd.es_dead_letter_queue (reference, case_revision, index_name, reason, created_at)
                SELECT reference, 1, 'ft_blob_cases', 'bad', '2026-01-01' FROM ccd.case_data;
            INSERT INTO ccd.case_event_significant_items (case_event_id, type, description, url)
                SELECT id, 'DOCUMENT', 'Order', 'https://dm/1' FROM ccd.case_event;
            """);
        world.Ccd.DataStore.RemovePointer(gone);
        world.Ccd.DataStore.RemovePointer(failing);
        var failingBefore = await RowsOfAsync(world, failing);

        var report = await world.RunAsync([new NamedCasesPolicy { FailDisposalOf = r => r == failing }]);

        Assert.Equal([gone], report.Disposed.Select(c => c.Reference));
        Assert.Equal(0, await world.CountAsync("""
            SELECT (SELECT count(*) FROM ccd.case_data WHERE reference = @r) + (SELECT count(*) FROM ccd.case_event WHERE case_reference = @r)
                 + (SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = @r) + (SELECT count(*) FROM ccd.jobs WHERE case_reference = @r)
                 + (SELECT count(*) FROM ccd.es_dead_letter_queue WHERE reference = @r)
            """, gone));
        Assert.Equal(0, await world.CountAsync("SELECT count(*) FROM ccd.case_event_significant_items i WHERE NOT EXISTS (SELECT 1 FROM ccd.case_event e WHERE e.id = i.case_event_id)"));
        Assert.Equal(1, await world.CountAsync("SELECT count(*) FROM ccd.es_removed_cases WHERE reference = @r", gone));
        Assert.Equal(1, await world.CountAsync("SELECT count(*) FROM testservice.notes WHERE reference = @r AND note = 'disposed'", gone));

        // The other case's disposal threw after the service wrote: nothing of it changed, and the run failed.
        var failure = Assert.Single(report.Failures);
        Assert.Equal((failing, "delete"), (failure.Reference, failure.Step));
        Assert.True(report.Failed);
        Assert.Equal(failingBefore, await RowsOfAsync(world, failing));
        Assert.Equal(0, await world.CountAsync("SELECT count(*) FROM testservice.notes WHERE reference = @r AND note = 'disposed'", failing));
    }

    [Fact]
    public async Task ccd_answering_5xx_or_unreachable_deletes_nothing_and_fails_the_run()
    {
        await using var world = await RetentionWorld.StartAsync(postgres, new Dictionary<string, string?> { ["Ccd:CentralCcd:Retries"] = "1" });
        var expired = await world.CreateCaseAsync("PendingDisposal", new DateOnly(2026, 3, 1));
        var unconfirmed = await world.CreateCaseAsync("PendingDisposal");
        var candidate = await world.CreateCaseAsync();
        world.Ccd.DataStore.RemovePointer(expired);
        var before = await world.SnapshotAsync();
        world.Ccd.DataStore.Faults = _ => HttpStatusCode.ServiceUnavailable;

        var failing = await world.RunAsync([new NamedCasesPolicy(candidate)]);

        Assert.True(failing.Failed);
        Assert.Equal([candidate, unconfirmed, expired], failing.Failures.Select(f => f.Reference));
        Assert.All(failing.Failures, f => Assert.Contains("answered 503", f.Reason, StringComparison.Ordinal));
        Assert.Empty(failing.Disposed);
        Assert.Equal(before, await world.SnapshotAsync());
        // Retried once each (two attempts), never more.
        Assert.Equal(2, world.Ccd.DataStore.Requests.Count(r => r.Path.EndsWith($"/cases/{expired}", StringComparison.Ordinal)));

        await world.Ccd.DisposeAsync(); // CCD unreachable
        var unreachable = await world.RunAsync([new NamedCasesPolicy(candidate)]);
        Assert.True(unreachable.Failed);
        Assert.Equal(3, unreachable.Failures.Count);
        Assert.All(unreachable.Failures, f => Assert.Contains("could not reach", f.Reason, StringComparison.Ordinal));
        Assert.Equal(before, await world.SnapshotAsync());
    }

    [Fact]
    public async Task a_system_user_token_expiring_mid_run_is_renewed_and_tokens_are_otherwise_reused()
    {
        await using var world = await RetentionWorld.StartAsync(postgres);
        world.Ccd.Idam.TokenLifetime = TimeSpan.FromMinutes(20);
        var cases = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            cases.Add(await world.CreateCaseAsync());
        }

        // The third submit arrives after the token's IdAM lifetime has ended.
        var submits = 0;
        world.Ccd.DataStore.Faults = request =>
        {
            if (request.Method == "POST" && ++submits == 3)
            {
                world.Time.Advance(TimeSpan.FromMinutes(30));
            }

            return null;
        };

        var report = await world.RunAsync([new NamedCasesPolicy([.. cases])]);

        Assert.Empty(report.Failures);
        Assert.Equal(cases.Order(), report.Marked.Select(c => c.Reference).Order());
        Assert.Equal(cases.Order(), report.Confirmed.Select(c => c.Reference).Order());
        Assert.Equal(2, world.Ccd.Idam.Grants); // one at the start, one renewal: not one per call
        Assert.Equal(1, world.Ccd.S2s.Leases);
        Assert.Single(world.Ccd.DataStore.Requests, r => r.Status == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task the_circuit_breaker_refuses_a_mass_disposal_before_any_call_to_ccd()
    {
        await using var world = await RetentionWorld.StartAsync(postgres);
        var cases = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            cases.Add(await world.CreateCaseAsync());
        }

        var before = await world.SnapshotAsync();

        var report = await world.RunAsync([new NamedCasesPolicy([.. cases.Take(12)])]);

        Assert.Equal(RetentionOutcome.Refused, report.Outcome);
        Assert.True(report.Failed);
        var breach = Assert.Single(report.Breaches);
        Assert.Equal((RetentionWorld.CaseType, 12L, 20L), (breach.CaseTypeId, breach.Candidates, breach.Population));
        Assert.Empty(world.Ccd.DataStore.Requests);
        Assert.Equal(0, world.Ccd.Idam.Grants);
        Assert.Equal(before, await world.SnapshotAsync());
    }

    [Fact]
    public async Task a_dry_run_lists_what_would_be_marked_confirmed_and_deleted_and_changes_nothing()
    {
        await using var world = await RetentionWorld.StartAsync(postgres);
        var candidate = await world.CreateCaseAsync();
        var unconfirmed = await world.CreateCaseAsync("PendingDisposal");
        var held = await world.CreateCaseAsync("PendingDisposal", new DateOnly(2026, 3, 1));
        var gone = await world.CreateCaseAsync("PendingDisposal", new DateOnly(2026, 3, 1));
        world.Ccd.DataStore.RemovePointer(gone);
        var before = await world.SnapshotAsync();

        var report = await world.RunAsync([new NamedCasesPolicy(candidate)], dryRun: true);

        Assert.Equal(RetentionOutcome.DryRun, report.Outcome);
        Assert.Equal([candidate], report.Marked.Select(c => c.Reference));
        Assert.Equal([unconfirmed], report.Confirmed.Select(c => c.Reference));
        Assert.Equal([held], report.HeldByCcd.Select(c => c.Reference));
        Assert.Equal([gone], report.Deletable.Select(c => c.Reference));
        Assert.Empty(report.Disposed);
        Assert.Equal(before, await world.SnapshotAsync());
        Assert.DoesNotContain(world.Ccd.DataStore.Requests, r => r.Method != "GET" || r.Path.Contains("event-triggers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_marked_case_the_system_user_may_not_read_is_not_confirmed_and_the_run_fails()
    {
        await using var world = await RetentionWorld.StartAsync(postgres);
        var unconfirmed = await world.CreateCaseAsync("PendingDisposal");
        world.Ccd.DataStore.UnreadableStates.Add("PendingDisposal");

        var report = await world.RunAsync();

        var failure = Assert.Single(report.Failures);
        Assert.Equal((unconfirmed, "confirm"), (failure.Reference, failure.Step));
        Assert.Contains("may read", failure.Reason, StringComparison.Ordinal);
        Assert.Empty(report.Confirmed);
        Assert.Equal(("PendingDisposal", (DateOnly?)null), await world.LocalAsync(unconfirmed));
    }

    [Fact]
    public async Task without_a_complete_ccd_client_configuration_a_run_over_case_types_in_ccd_stops_naming_the_key()
    {
        // Half a client (a data store but no IdAM) stops start-up itself, naming the key.
        var incomplete = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => RetentionWorld.StartAsync(postgres, new Dictionary<string, string?> { ["Ccd:CentralCcd:IdamUrl"] = "" }));
        Assert.Equal("Ccd:CentralCcd:IdamUrl is not set.", Assert.Single(incomplete.Failures));

        // No client at all: the service runs, and a run over case types in CCD stops naming the key.
        await using var world = await RetentionWorld.StartAsync(postgres, new Dictionary<string, string?> { ["Ccd:CentralCcd:DataStoreUrl"] = "" });
        await world.CreateCaseAsync();

        var stopped = await Assert.ThrowsAsync<CcdStartupException>(() => world.RunAsync());

        Assert.StartsWith("Ccd:CentralCcd:DataStoreUrl is not set", stopped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', stopped.Message);
        Assert.Empty(world.Ccd.DataStore.Requests);

        // Listed as local-only, the same case type needs no CCD client.
        var local = await world.Runner(options: new RetentionOptions { LocalOnlyCaseTypes = [RetentionWorld.CaseType] }).RunAsync(false, Ct);
        Assert.False(local.Failed);
    }

    [Fact]
    public async Task retention_run_on_the_command_line_stops_with_exit_code_2_on_an_incomplete_ccd_client_and_runs_local_only_without_one()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        await StoreSeed.AddCaseAsync(dataSource, StoreSeed.Reference(1), "B1", events: 1, new DateTime(2020, 1, 1), new DateOnly(2021, 1, 1));
        var host = new CcdServiceDefinition { ConfigureServices = builder => builder.AddCcdRuntime(), ConfigureApp = _ => { } };
        string[] environment = ["--APP_ENV=TEST", $"--TEST_DATABASE_URL={connectionString}", $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}"];

        var incomplete = await host.RunAsync(["retention", "run", .. environment, "--Ccd:CentralCcd:DataStoreUrl=http://127.0.0.1:9/"]);
        var localOnly = await host.RunAsync(["retention", "run", .. environment, "--Ccd:Retention:LocalOnlyCaseTypes:0=B1"]);

        Assert.Equal((2, 0), (incomplete, localOnly));
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM ccd.case_data");
        Assert.Equal(0L, await count.ExecuteScalarAsync(Ct));
    }

    private static async Task<string> RowsOfAsync(RetentionWorld world, long reference) => (await world.ScalarAsync($"""
        SELECT (SELECT c::text FROM ccd.case_data c WHERE reference = {reference})
            || (SELECT count(*) FROM ccd.case_event WHERE case_reference = {reference})
            || (SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = {reference})
            || (SELECT count(*) FROM ccd.jobs WHERE case_reference = {reference})
            || (SELECT count(*) FROM ccd.es_dead_letter_queue WHERE reference = {reference})
            || (SELECT count(*) FROM ccd.es_queue WHERE reference = {reference})
        """))!;
}
