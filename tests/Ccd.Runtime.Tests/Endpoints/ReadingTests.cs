using System.Net;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;

namespace Ccd.Runtime.Tests.Endpoints;

public sealed class ReadingTests(PostgresServer postgres)
{
    [Fact]
    public async Task case_refs_may_repeat_or_be_comma_separated_unknown_ones_are_left_out_and_results_are_sorted()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var references = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var reference = Payloads.NewReference();
            references.Add(reference);
            await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["i"] = i }));
        }

        var unknown = Payloads.NewReference();
        var repeated = await ccd.GetAsync($"/ccd-persistence/cases?case-refs={references[2]}&case-refs={unknown}&case-refs={references[0]}");
        var commas = await ccd.GetAsync($"/ccd-persistence/cases?case-refs={references[1]},{references[2]}");
        var none = await ccd.GetAsync("/ccd-persistence/cases");

        Assert.Equal(new[] { references[0], references[2] }.Order(), repeated.Json.AsArray().Select(c => c!["case_details"]!["id"]!.GetValue<long>()));
        Assert.Equal(new[] { references[1], references[2] }.Order(), commas.Json.AsArray().Select(c => c!["case_details"]!["id"]!.GetValue<long>()));
        Assert.Equal(HttpStatusCode.OK, none.Status);
        Assert.Equal("[]", System.Text.Encoding.UTF8.GetString(none.Bytes));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("123")]
    [InlineData("1234567890123456")]
    public async Task a_malformed_reference_is_a_400(string value)
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();

        var reply = await ccd.GetAsync($"/ccd-persistence/cases?case-refs={value}");
        var history = await ccd.GetAsync($"/ccd-persistence/cases/{value}/history");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("case-refs", reply.Json["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, history.Status);
    }

    [Fact]
    public async Task history_is_newest_first_an_unknown_case_has_none_and_an_unknown_event_is_a_404()
    {
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", new JsonObject { ["note"] = "1" }));
        await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", new JsonObject { ["note"] = "2" }, 1));
        await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "addNote", new JsonObject { ["note"] = "3" }, 2, before: new JsonObject { ["note"] = "2" }));

        var history = (await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history")).Json.AsArray();
        var unknownCase = await ccd.GetAsync($"/ccd-persistence/cases/{Payloads.NewReference()}/history");
        var unknownEvent = await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history/999999");

        Assert.Equal(["addNote", "update", "create"], history.Select(h => h!["event"]!["id"]!.GetValue<string>()));
        Assert.Equal(["3", "2", "1"], history.Select(h => h!["event"]!["data"]!["note"]!.GetValue<string>()));
        Assert.Equal("[]", System.Text.Encoding.UTF8.GetString(unknownCase.Bytes));
        Assert.Equal(HttpStatusCode.NotFound, unknownEvent.Status);
        Assert.Equal("History event not found", unknownEvent.Json["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_history_longer_than_one_streamed_piece_is_answered_whole_newest_first_with_its_text_as_stored()
    {
        // 30 events of ~2 KB of data each: the answer (~70 KB) goes out in several flushed pieces of 16 KB.
        await using var service = await TestService.StartAsync(postgres);
        using var ccd = service.Ccd();
        var reference = Payloads.NewReference();
        JsonObject Data(int i) => new() { ["note"] = $"{i}: " + string.Concat(Enumerable.Repeat("é ☃ \"quoted\" \\ 😀 ", 100)), ["i"] = i };
        await ccd.SubmitAsync(Payloads.Create(reference, TestService.BlobType, "create", Data(1)));
        for (var i = 2; i <= 30; i++)
        {
            await ccd.SubmitAsync(Payloads.Update(reference, TestService.BlobType, "update", Data(i), i - 1, before: Data(i - 1)));
        }

        var reply = await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history");
        var history = reply.Json.AsArray();
        var oneEvent = await ccd.GetAsync($"/ccd-persistence/cases/{reference}/history/{history[5]!["id"]!.GetValue<long>()}");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True(reply.Bytes.Length > 3 * 16 * 1024, $"the answer is {reply.Bytes.Length} bytes");
        Assert.Equal(Enumerable.Range(1, 30).Reverse(), history.Select(h => h!["event"]!["data"]!["i"]!.GetValue<int>()));
        Assert.All(history, h => Assert.Equal(Data(h!["event"]!["data"]!["i"]!.GetValue<int>())["note"]!.GetValue<string>(),
            h!["event"]!["data"]!["note"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(history[5], oneEvent.Json), "one event answers as it is listed");
    }
}
