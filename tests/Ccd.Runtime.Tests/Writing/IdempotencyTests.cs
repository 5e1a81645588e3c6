using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Endpoints;

namespace Ccd.Runtime.Tests.Writing;

public sealed class IdempotencyTests(PostgresServer postgres)
{
    private const string Everything = """
        SELECT (SELECT count(*) FROM ccd.case_data) + (SELECT count(*) FROM ccd.case_event)
             + (SELECT count(*) FROM ccd.message_queue_candidates) + (SELECT coalesce(sum(case_revision), 0) FROM ccd.es_queue)
             + (SELECT count(*) FROM ccd.jobs)
        """;

    [Fact]
    public async Task a_replayed_submit_answers_200_with_the_first_body_byte_for_byte_and_writes_nothing()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var key = Guid.NewGuid();
        var create = Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "a" });
        var first = await ccd.SubmitAsync(create, key);
        var written = await service.CountAsync(Everything);
        service.Time.Advance(TimeSpan.FromMinutes(5)); // a replay later still answers the original timestamps

        var replay = await ccd.SubmitAsync(create, key);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal(first.Bytes, replay.Bytes);
        Assert.Equal(written, await service.CountAsync(Everything));
    }

    [Fact]
    public async Task a_replay_after_later_events_still_answers_the_first_response()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var key = Guid.NewGuid();
        var create = Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "a" });
        var first = await ccd.SubmitAsync(create, key);
        await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "b" }, version: 1));

        var replay = await ccd.SubmitAsync(create, key);

        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal(first.Bytes, replay.Bytes);
    }

    [Fact]
    public async Task a_key_reused_for_another_case_or_another_event_is_refused_with_422_and_nothing_is_written()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var key = Guid.NewGuid();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "a" }), key);
        var written = await service.CountAsync(Everything);

        var otherCase = await ccd.SubmitAsync(Payloads.Create(Payloads.NewReference(), TestService.BlobType, "create", new JsonObject()), key);
        var otherEvent = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "b" }, version: 1), key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherCase.Status);
        Assert.Equal("application/problem+json", otherCase.ContentType);
        Assert.Equal("urn:ccd:problem:idempotency-key-reused", otherCase.Json["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherEvent.Status);
        Assert.Equal(written, await service.CountAsync(Everything));
    }

    [Fact]
    public async Task a_create_of_an_existing_reference_under_another_key_is_a_409()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "a" }));

        var again = await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "b" }));

        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_event"));
    }

    [Fact]
    public async Task an_update_of_an_unknown_case_is_a_404()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();

        var reply = await ccd.SubmitAsync(Payloads.Update(Payloads.NewReference(), TestService.BlobType, "update", new JsonObject(), version: 1));

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
    }

    [Fact]
    public async Task an_internal_case_id_that_differs_from_the_stored_one_is_a_400()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var create = Payloads.Create(reference, TestService.BlobType, "create", new JsonObject());
        await ccd.SubmitAsync(create);
        var stored = create["internal_case_id"]!.GetValue<long>();

        var differing = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject(), 1, internalId: stored + 1));
        var same = await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject(), 1, internalId: stored));

        Assert.Equal(HttpStatusCode.BadRequest, differing.Status);
        Assert.Equal("internal_case_id", differing.Json["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, same.Status);
    }

    [Fact]
    public async Task fifty_concurrent_identical_creates_end_as_one_case_one_event_one_201_and_49_replays()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        var key = Guid.NewGuid();
        var create = Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "race" });

        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => ccd.SubmitAsync(create, key)));

        Assert.Equal(1, replies.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(49, replies.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(replies, r => Assert.Equal(replies[0].Bytes, r.Bytes));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_data"));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_event"));
    }

    [Fact]
    public async Task concurrent_duplicates_of_one_key_on_different_cases_end_as_one_event_and_422s_never_500s()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var key = Guid.NewGuid();

        // Different references take different case locks, so the key's unique index decides: the losers are mapped to 422.
        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            ccd.SubmitAsync(Payloads.Create(Payloads.NewReference(), TestService.BlobType, "create", new JsonObject()), key)));

        Assert.Equal(1, replies.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(9, replies.Count(r => r.Status == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM ccd.case_event"));
    }
}
