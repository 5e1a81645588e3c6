using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class HandlerTests(PostgresServer postgres)
{
    private const string Everything = """
        SELECT (SELECT count(*) FROM ccd.case_data) + (SELECT count(*) FROM ccd.case_event) + (SELECT count(*) FROM ccd.es_queue)
             + (SELECT count(*) FROM ccd.message_queue_candidates) + (SELECT count(*) FROM ccd.jobs) + (SELECT count(*) FROM testservice.notes)
        """;

    private static JsonObject Create(long reference, string behaviour) =>
        Payloads.Create(reference, TestService.TypedType, "create", new JsonObject { ["title"] = "T", ["note"] = "n", ["behaviour"] = behaviour });

    [Theory]
    [InlineData("error", """["The title is not allowed."]""", "[]")]
    [InlineData("warning", "[]", """["Are you sure?"]""")]
    [InlineData("bad-item", """["Significant item URL is not valid."]""", "[]")]
    public async Task a_refusal_answers_200_with_errors_and_warnings_writes_nothing_and_leaves_the_key_unused(string behaviour, string errors, string warnings)
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var key = Guid.NewGuid();

        var refused = await ccd.SubmitAsync(Create(reference, behaviour), key);

        Assert.Equal(HttpStatusCode.OK, refused.Status);
        Assert.Equal($$"""{"case_details":null,"revision":null,"errors":{{errors}},"warnings":{{warnings}},"ignore_warning":false}""",
            System.Text.Encoding.UTF8.GetString(refused.Bytes));
        Assert.Equal(0, await service.CountAsync(Everything));
        var retried = await ccd.SubmitAsync(Create(reference, "fine"), key);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
    }

    [Fact]
    public async Task a_handler_that_throws_after_writing_answers_500_and_writes_nothing()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();

        var reply = await ccd.SubmitAsync(Create(Payloads.NewReference(), "throw"));

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal(0, await service.CountAsync(Everything));
    }

    [Fact]
    public async Task a_submit_over_its_time_budget_is_rolled_back_and_answered_503()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();

        var pending = ccd.SubmitAsync(Create(Payloads.NewReference(), "wait"));
        await service.Probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        service.Time.Advance(TimeSpan.FromSeconds(20));
        var reply = await pending.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.Status);
        Assert.Equal("urn:ccd:problem:submit-timeout", reply.Json["type"]!.GetValue<string>());
        Assert.Equal(0, await service.CountAsync(Everything));
    }

    [Fact]
    public async Task a_handler_state_and_confirmation_come_back_and_its_job_is_enqueued_once_even_on_replay()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var key = Guid.NewGuid();
        await ccd.SubmitAsync(Create(reference, "fine"));
        var update = Payloads.Update(reference, TestService.TypedType, "edit", new JsonObject { ["title"] = "T", ["behaviour"] = "job" }, version: 1);

        var first = await ccd.SubmitAsync(update, key);
        var replay = await ccd.SubmitAsync(update, key);
        var close = await ccd.SubmitAsync(Payloads.Update(reference, TestService.TypedType, "edit", new JsonObject { ["title"] = "T", ["behaviour"] = "close" }, version: 2));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.jobs WHERE kind = 'test-email'"));
        Assert.Equal(1, await service.CountAsync($"SELECT count(*) FROM ccd.jobs WHERE idempotency_key = '{key}:email' AND case_reference = @r", reference));
        Assert.Equal("Closed", close.Json["case_details"]!["state"]!.GetValue<string>());
        Assert.Equal("# Saved " + reference, close.Json["case_details"]!["after_submit_callback_response"]!["confirmation_header"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_blob_handler_output_replaces_the_stored_blob_and_an_event_without_handler_stores_the_proposed_data()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Create(reference, "fine"));

        var shouted = await ccd.SubmitAsync(Payloads.Update(reference, TestService.TypedType, "shout", new JsonObject { ["title"] = "quiet" }, version: 1));
        var plain = await ccd.SubmitAsync(Payloads.Update(reference, TestService.TypedType, "plain", new JsonObject { ["title"] = "as is" }, version: 2));

        Assert.Equal("QUIET", shouted.Json["case_details"]!["case_data"]!["title"]!.GetValue<string>());
        Assert.Equal("QUIET (Open)", shouted.Json["case_details"]!["case_data"]!["heading"]!.GetValue<string>());
        Assert.Equal("as is", plain.Json["case_details"]!["case_data"]!["title"]!.GetValue<string>());
        Assert.Equal("""{"title":"as is"}""", (await service.JsonAsync("SELECT data::text FROM ccd.case_data WHERE reference = @r", reference))!.ToJsonString());
    }
}
