using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Reliability.Tests.HostileInput;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.AdoptionApi;

/// <summary>
/// Hostile but well-formed case data in A58's callbacks (about-to-start of <c>submitApplication</c>, which pre-fills
/// <c>courtCode</c>; mid-event <c>hearingDetails</c> of <c>listHearing</c>, which checks <c>hearingDate</c>): CCD shows
/// a callback's <c>errors</c> to the user, so the answer is a 200 with CCD's <c>{data, errors, warnings}</c>, never
/// a 5xx, text sent comes back exactly, and callbacks store nothing.
/// </summary>
public sealed class AdoptionCallbackHostileTests(PostgresServer postgres, AdoptionHostileStore store) : IClassFixture<AdoptionHostileStore>
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, string> Cases { get; } = Build();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task hostile_case_data_in_a58_callbacks_gets_a_200_with_the_data_unchanged_and_stores_nothing(string place, string label)
    {
        await store.EnsureStartedAsync(postgres);
        var value = label.StartsWith("json:", StringComparison.Ordinal)
            ? JsonNode.Parse(label["json:".Length..])
            : JsonValue.Create(HostileValues.All.Single(hostile => hostile.Label == label).Text);
        var (eventId, path, data) = place switch
        {
            "court_code" => ("submitApplication", "/callbacks/about-to-start", new JsonObject { ["courtCode"] = value }),
            "hearing_date" => ("listHearing", "/callbacks/mid-event?page=hearingDetails", new JsonObject { ["hearingDate"] = value }),
            _ => ("listHearing", "/callbacks/mid-event?page=hearingDetails", new JsonObject { [value!.GetValue<string>()] = "x", ["hearingDate"] = "2099-01-05" }),
        };
        var sent = data.DeepClone();
        var body = new JsonObject
        {
            ["event_id"] = eventId,
            ["case_details"] = new JsonObject
            {
                ["id"] = Refs.Valid(90_001), ["jurisdiction"] = "ADOPTION", ["case_type_id"] = "A58", ["state"] = "DIRECTIONS", ["case_data"] = data,
            },
            ["case_details_before"] = null,
            ["ignore_warning"] = false,
        };
        using var client = store.Service.CreateClient();
        var before = await StoreSnapshot.TakeAsync(store.Service.DataSource);

        // A caller whose courts claim is itself hostile: the pre-fill must only ever use a court of GET /api/courts.
        var token = TestTokens.User("cw-9", ["caseworker"], [label.StartsWith("json:", StringComparison.Ordinal) ? "BFC" : HostileValues.Within(label, 64)]);
        var reply = await new RawRequest("POST", path, Encoding.UTF8.GetBytes(body.ToJsonString(Relaxed))) { Headers = [new("Authorization", "Bearer " + token)] }
            .SendAsync(client, TestContext.Current.CancellationToken);

        Assert.True(reply.Code == 200, $"{place}/{label}: {reply}");
        var answer = reply.Json.AsObject();
        Assert.True(answer["errors"] is null or JsonArray, reply.ToString());
        // Text comes back exactly (a court code already in the data is kept); a value of the wrong type is no court code,
        // so the pre-fill may replace it with the caller's one court: only the absence of a 5xx is asked of it.
        foreach (var (name, node) in sent.AsObject().Where(member => member.Value?.GetValueKind() == JsonValueKind.String))
        {
            Assert.True(JsonNode.DeepEquals(node, answer["data"]?[name]), $"{place}/{label}: '{name}' came back changed: {reply}");
        }

        Assert.Empty(before.Differences(await StoreSnapshot.TakeAsync(store.Service.DataSource)));
    }

    private static TheoryData<string, string> Build()
    {
        var data = new TheoryData<string, string>();
        string[] wrongTypes = ["json:1", "json:[]", "json:{}", "json:true", "json:null", "json:-1e400", "json:[\"2099-01-05\"]", "json:{\"a\":{\"b\":{\"c\":[1,2,3]}}}"];
        foreach (var place in new[] { "court_code", "hearing_date" })
        {
            foreach (var (label, _) in HostileValues.All)
            {
                data.Add(place, label);
            }

            foreach (var json in wrongTypes)
            {
                data.Add(place, json);
            }
        }

        foreach (var (label, _) in HostileValues.All.Where(hostile => hostile.Text.Length > 0))
        {
            data.Add("case_data_key", label);
        }

        return data;
    }
}
