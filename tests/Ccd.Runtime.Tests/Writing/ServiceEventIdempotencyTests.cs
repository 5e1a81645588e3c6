using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

/// <summary>The service's own events with an idempotency key, an on-behalf-of user and the system identity.</summary>
public sealed class ServiceEventIdempotencyTests(PostgresServer postgres)
{
    private static readonly CcdUser Officer = new("officer-1", "Olive", "Officer", ["caseworker"], ["BFC"]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_same_service_event_sent_twice_with_one_key_runs_once_and_writes_one_event()
    {
        await using var service = await TestService.StartAsync(postgres);
        var submitter = service.App.Services.GetRequiredService<ICcdEventSubmitter>();
        var created = await submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "create", null) { Actor = Officer }, (_, _) => Task.FromResult(ServiceEventOutcome.Ok("Open")), Ct);
        var request = new ServiceEventRequest(TestService.TypedType, "edit", created.Reference) { Actor = Officer, IdempotencyKey = Guid.NewGuid() };
        var runs = 0;

        var first = await submitter.SubmitAsync(request, (context, _) => AddNoteAsync(context, () => runs++), Ct);
        var second = await submitter.SubmitAsync(request, (context, _) => AddNoteAsync(context, () => runs++), Ct);

        Assert.Equal(1, runs);
        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal((first.Reference, first.Revision, first.Version, first.State), (second.Reference, second.Revision, second.Version, second.State));
        Assert.Equal(2, await service.CountAsync("SELECT count(*) FROM ccd.case_event WHERE case_reference = @r", created.Reference));
        Assert.Equal(1, await TestSchema.CountNotesAsync(service.DataSource));

        var other = await Assert.ThrowsAsync<ProblemException>(() => submitter.SubmitAsync(
            request with { EventId = "plain" }, (context, _) => AddNoteAsync(context, () => runs++), Ct));
        Assert.Equal(422, other.Status);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task twenty_concurrent_repeats_of_one_keyed_service_event_end_as_one_event_for_an_update_and_for_a_create()
    {
        await using var service = await TestService.StartAsync(postgres);
        var submitter = service.App.Services.GetRequiredService<ICcdEventSubmitter>();
        var created = await submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "create", null) { Actor = Officer }, (_, _) => Task.FromResult(ServiceEventOutcome.Ok("Open")), Ct);
        var update = new ServiceEventRequest(TestService.TypedType, "edit", created.Reference) { Actor = Officer, IdempotencyKey = Guid.NewGuid() };
        var create = new ServiceEventRequest(TestService.TypedType, "create", null) { Actor = Officer, IdempotencyKey = Guid.NewGuid() };

        var updates = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => submitter.SubmitAsync(update, (context, _) => AddNoteAsync(context, () => { }), Ct), Ct)));
        var creates = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => submitter.SubmitAsync(create, (context, _) => AddNoteAsync(context, () => { }, "Open"), Ct), Ct)));

        Assert.Equal(19, updates.Count(r => r.Replayed));
        Assert.Single(updates.Select(r => (r.Reference, r.Revision)).Distinct());
        Assert.Equal(1, await service.CountAsync($"SELECT count(*) FROM ccd.case_event WHERE idempotency_key = '{update.IdempotencyKey}'"));
        Assert.Equal(19, creates.Count(r => r.Replayed));
        var reference = Assert.Single(creates.Select(r => r.Reference).Distinct());
        Assert.Equal(1, await service.CountAsync($"SELECT count(*) FROM ccd.case_event WHERE idempotency_key = '{create.IdempotencyKey}'"));
        Assert.Equal(2, await service.CountAsync("SELECT count(*) FROM ccd.case_data"));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM testservice.notes WHERE reference = @r", reference));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM testservice.notes WHERE reference = @r", created.Reference));
    }

    [Fact]
    public async Task history_names_the_on_behalf_of_user_with_the_actor_as_proxied_by_and_a_job_acts_as_the_configured_system_identity()
    {
        await using var service = await TestService.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Ccd:Submission:SystemUser:Id"] = "system-jobs",
            ["Ccd:Submission:SystemUser:FirstName"] = "Adoption",
            ["Ccd:Submission:SystemUser:LastName"] = "Jobs",
        });
        var submitter = service.App.Services.GetRequiredService<ICcdEventSubmitter>();
        var created = await submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "create", null) { Actor = Officer }, (_, _) => Task.FromResult(ServiceEventOutcome.Ok("Open")), Ct);
        string? seenUser = null;
        string? seenFor = null;

        await submitter.SubmitAsync(
            new ServiceEventRequest(TestService.TypedType, "edit", created.Reference) { Actor = Officer, OnBehalfOf = new CcdUser("citizen-9", "Cora", "Citizen", [], []) },
            (context, _) =>
            {
                (seenUser, seenFor) = (context.User.Id, context.OnBehalfOf?.Id);
                return Task.FromResult(ServiceEventOutcome.Ok());
            }, Ct);
        await submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "plain", created.Reference), (_, _) => Task.FromResult(ServiceEventOutcome.Ok()), Ct);

        Assert.Equal(("officer-1", "citizen-9"), (seenUser, seenFor)); // access decisions see the authenticated caller
        using var ccd = service.Ccd();
        var history = (await ccd.GetAsync($"/ccd-persistence/cases/{created.Reference}/history")).Json.AsArray();
        var job = history[0]!["event"]!;
        var proxied = history[1]!["event"]!;
        Assert.Equal(("citizen-9", "Cora", "officer-1", "Olive"), (
            proxied["user_id"]!.GetValue<string>(), proxied["user_first_name"]!.GetValue<string>(),
            proxied["proxied_by"]!.GetValue<string>(), proxied["proxied_by_first_name"]!.GetValue<string>()));
        Assert.Equal(("system-jobs", "Adoption", "Jobs"), (job["user_id"]!.GetValue<string>(), job["user_first_name"]!.GetValue<string>(), job["user_last_name"]!.GetValue<string>()));
        Assert.Null(job["proxied_by"]?.GetValue<string>());
    }

    private static async Task<ServiceEventOutcome> AddNoteAsync(ServiceEventContext context, Action ran, StateId? state = null)
    {
        ran();
        await using var insert = new NpgsqlCommand("INSERT INTO testservice.notes VALUES (@r, 'once')", context.Connection, context.Transaction);
        insert.Parameters.AddWithValue("r", context.Reference);
        await insert.ExecuteNonQueryAsync();
        return ServiceEventOutcome.Ok(state);
    }
}
