using Ccd.Runtime.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Wire;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class ServiceEventTests(PostgresServer postgres)
{
    private static readonly CcdUser Officer = new("officer-1", "Olive", "Officer", ["caseworker"], ["BFC"]);

    [Fact]
    public async Task a_service_event_body_gets_the_cancellation_token_and_hands_back_its_value_with_the_result()
    {
        await using var service = await TestService.StartAsync(postgres);
        var submitter = service.App.Services.GetRequiredService<ICcdEventSubmitter>();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        CaseTypeId caseType = TestService.TypedType;
        var seen = CancellationToken.None;

        var (result, title) = await submitter.SubmitAsync(new ServiceEventRequest(caseType, new EventId("create"), null) { Actor = Officer }, (context, token) =>
        {
            seen = token;
            return Task.FromResult((ServiceEventOutcome.Ok("Open"), $"made for {context.User.Id}"));
        }, cancellation.Token);

        Assert.True(result.Committed);
        Assert.Equal("made for officer-1", title);
        Assert.True(seen.CanBeCanceled);
        Assert.Equal("FT_Typed", caseType.ToString());
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_data WHERE reference = @r AND case_type_id = 'FT_Typed'", result.Reference));

        // The body's token is the caller's (linked with the write's time budget): cancelling the caller reaches the
        // body, and the write stops before its commit.
        var cancelledInBody = false;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => submitter.SubmitAsync(new ServiceEventRequest(caseType, "create", null) { Actor = Officer }, (_, token) =>
        {
            cancellation.Cancel();
            cancelledInBody = token.IsCancellationRequested;
            return Task.FromResult(ServiceEventOutcome.Ok("Open"));
        }, cancellation.Token));
        Assert.True(cancelledInBody);
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_data"));
    }

    [Fact]
    public async Task a_service_created_case_gets_a_minted_reference_no_internal_id_and_is_served_like_any_other()
    {
        await using var service = await TestService.StartAsync(postgres);
        var submitter = service.App.Services.GetRequiredService<ICcdEventSubmitter>();

        var result = await submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "create", null) { Actor = Officer }, async (context, token) =>
        {
            await using var insert = new NpgsqlCommand("INSERT INTO testservice.notes VALUES (@r, 'from the service')", context.Connection, context.Transaction);
            insert.Parameters.AddWithValue("r", context.Reference);
            await insert.ExecuteNonQueryAsync(token);
            return new ServiceEventOutcome { State = "Open", Data = new JsonObject { ["title"] = "Made here" } };
        }, TestContext.Current.CancellationToken);

        Assert.True(result.Committed);
        Assert.True(CaseReference.IsValid(result.Reference));
        Assert.Equal((1, 1, "Open"), (result.Revision, result.Version, result.State?.Value));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM ccd.case_data WHERE id IS NOT NULL"));
        using var ccd = service.Ccd();
        var read = (await ccd.ReadAsync(result.Reference))!;
        Assert.Equal("Made here (Open)", read["case_details"]!["case_data"]!["heading"]!.GetValue<string>());
        Assert.Equal(1, read["case_details"]!["case_data"]!["noteCount"]!.GetValue<int>());
        var audit = (await ccd.GetAsync($"/ccd-persistence/cases/{result.Reference}/history")).Json[0]!["event"]!;
        Assert.Equal("officer-1", audit["user_id"]!.GetValue<string>());
        Assert.Equal("Create typed", audit["event_name"]!.GetValue<string>());
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.message_queue_candidates WHERE reference = @r", result.Reference));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.es_queue WHERE reference = @r", result.Reference));
    }

    [Fact]
    public async Task a_service_event_that_changes_the_view_moves_the_version_and_then_ccd_learns_the_internal_id()
    {
        await using var service = await TestService.StartAsync(postgres);
        var submitter = service.App.Services.GetRequiredService<ICcdEventSubmitter>();
        var created = await submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "create", null) { Actor = Officer },
            (_, _) => Task.FromResult(ServiceEventOutcome.Ok("Open")), TestContext.Current.CancellationToken);

        var edited = await submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "edit", created.Reference) { Actor = Officer }, async (context, token) =>
        {
            await using var insert = new NpgsqlCommand("INSERT INTO testservice.notes VALUES (@r, 'second')", context.Connection, context.Transaction);
            insert.Parameters.AddWithValue("r", context.Reference);
            await insert.ExecuteNonQueryAsync(token);
            return ServiceEventOutcome.Ok();
        }, TestContext.Current.CancellationToken);
        using var ccd = service.Ccd();
        var fromCcd = Payloads.Update(created.Reference, TestService.TypedType, "plain", new JsonObject { ["title"] = "now known" }, version: 2, internalId: 424242);
        var reply = await ccd.SubmitAsync(fromCcd);

        Assert.Equal((2, 2), (edited.Revision, edited.Version));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal(424242, await service.CountAsync("SELECT id FROM ccd.case_data WHERE reference = @r", created.Reference));
    }

    [Fact]
    public async Task a_refusing_body_writes_nothing_and_a_removed_case_is_invisible()
    {
        await using var service = await TestService.StartAsync(postgres);
        var submitter = service.App.Services.GetRequiredService<ICcdEventSubmitter>();
        var created = await submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "create", null) { Actor = Officer },
            (_, _) => Task.FromResult(ServiceEventOutcome.Ok("Open")), TestContext.Current.CancellationToken);

        var refused = await submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "edit", created.Reference) { Actor = Officer }, async (context, token) =>
        {
            await using var insert = new NpgsqlCommand("INSERT INTO testservice.notes VALUES (@r, 'rolled back')", context.Connection, context.Transaction);
            insert.Parameters.AddWithValue("r", context.Reference);
            await insert.ExecuteNonQueryAsync(token);
            return ServiceEventOutcome.Fail("Not now.");
        }, TestContext.Current.CancellationToken);
        await service.CountAsync("UPDATE ccd.case_data SET removed_at = now() WHERE reference = @r RETURNING 1", created.Reference);
        using var ccd = service.Ccd();

        Assert.False(refused.Committed);
        Assert.Equal(["Not now."], refused.Errors);
        Assert.Equal(0, await TestSchema.CountNotesAsync(service.DataSource));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_event"));
        Assert.Null(await ccd.ReadAsync(created.Reference));
        Assert.Equal("[]", (await ccd.GetAsync($"/ccd-persistence/cases/{created.Reference}/history")).Text);
        Assert.Equal(HttpStatusCode.NotFound, (await ccd.UpdateSupplementaryDataRawAsync(created.Reference, """{"supplementary_data_updates":{"$set":{"a":1}}}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ccd.SubmitAsync(Payloads.Update(created.Reference, TestService.TypedType, "plain", new JsonObject(), 1))).Status);
        await Assert.ThrowsAsync<Problems.ProblemException>(() => submitter.SubmitAsync(new ServiceEventRequest(TestService.TypedType, "edit", created.Reference) { Actor = Officer },
            (_, _) => Task.FromResult(ServiceEventOutcome.Ok()), TestContext.Current.CancellationToken));
    }
}
