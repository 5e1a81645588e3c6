using Ccd.Runtime.Testing;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.HostileInput;

/// <summary>
/// The valid half of the hostile corpus: hostile text in free-text fields, case data keys and values, and
/// supplementary data keys and values is accepted, stored and returned exactly as sent, and changes nothing else.
/// </summary>
public sealed class ValidHostileInputTests(PostgresServer postgres, ValidHostileStore store) : IClassFixture<ValidHostileStore>
{
    private static readonly string[] Places = ["case_data_value", "case_data_key", "event_text", "supplementary_value", "supplementary_key"];

    // Bodies carry non-ASCII as UTF-8, as CCD sends them, not as \u escapes.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, string> Cases { get; } = Build();

    [Fact]
    public void the_valid_half_of_the_corpus_has_at_least_150_cases() => Assert.True(Cases.Count >= 150, $"only {Cases.Count} valid hostile cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task hostile_but_valid_text_round_trips_exactly_and_harms_nothing(string place, string label)
    {
        await store.EnsureStartedAsync(postgres);
        var text = HostileValues.All.Single(value => value.Label == label).Text;
        var reference = store.NextReference();
        using var client = store.Service.CreateClient();
        var before = await StoreSnapshot.TakeAsync(store.Service.DataSource, except: reference);

        switch (place)
        {
            case "case_data_value":
                await CreateAndCompareAsync(client, reference, new JsonObject { ["text"] = text, ["nested"] = new JsonObject { ["list"] = new JsonArray(text, new JsonObject { ["deep"] = text }) } });
                break;
            case "case_data_key":
                await CreateAndCompareAsync(client, reference, new JsonObject { [text] = "value", ["nested"] = new JsonObject { [text] = text } });
                break;
            case "event_text":
                var summary = HostileValues.Within(text, 1024);
                var description = HostileValues.Within(text + text, 65536);
                await CreateAndCompareAsync(client, reference, new JsonObject { ["text"] = "plain" }, Bodies.Event("create", summary, description));
                var history = await Send(client, new RawRequest("GET", $"/ccd-persistence/cases/{reference}/history"));
                Assert.Equal(summary, history.Json[0]!["event"]!["summary"]!.GetValue<string>());
                Assert.Equal(description, history.Json[0]!["event"]!["description"]!.GetValue<string>());
                break;
            case "supplementary_value":
                await CreateAndCompareAsync(client, reference, new JsonObject { ["text"] = "plain" });
                await SupplementaryAndCompareAsync(client, reference, "hostile.value", text, ["hostile", "value"]);
                break;
            default:
                await CreateAndCompareAsync(client, reference, new JsonObject { ["text"] = "plain" });
                await SupplementaryAndCompareAsync(client, reference, "hostile." + text, text, ["hostile", text]);
                break;
        }

        var after = await StoreSnapshot.TakeAsync(store.Service.DataSource, except: reference);
        Assert.True(before.Differences(after).Count == 0, $"{place}/{label} changed other cases: {string.Join("; ", before.Differences(after))}");
    }

    private static TheoryData<string, string> Build()
    {
        var data = new TheoryData<string, string>();
        foreach (var place in Places)
        {
            foreach (var (label, text) in HostileValues.All)
            {
                // A supplementary key is a dotted path: a dot, or an empty or blank segment, is path syntax, not a key.
                if (place == "supplementary_key" && (text.Contains('.', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(text)))
                {
                    continue;
                }

                data.Add(place, label);
            }
        }

        return data;
    }

    private static async Task CreateAndCompareAsync(HttpClient client, long reference, JsonObject data, JsonObject? eventDetails = null)
    {
        var body = Bodies.Create(reference, data, eventDetails: eventDetails);
        var created = await Send(client, new RawRequest("POST", "/ccd-persistence/cases", Encoding.UTF8.GetBytes(body.ToJsonString(Relaxed))));
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        Assert.True(JsonNode.DeepEquals(data, created.Json["case_details"]!["case_data"]), "the submit answer differs from what was sent");

        var read = await Send(client, new RawRequest("GET", $"/ccd-persistence/cases?case-refs={reference}"));
        Assert.True(JsonNode.DeepEquals(data, read.Json[0]!["case_details"]!["case_data"]), "the read differs from what was sent");
        var history = await Send(client, new RawRequest("GET", $"/ccd-persistence/cases/{reference}/history"));
        Assert.True(JsonNode.DeepEquals(data, history.Json[0]!["event"]!["data"]), "the history differs from what was sent");
    }

    private static async Task SupplementaryAndCompareAsync(HttpClient client, long reference, string path, string text, string[] segments)
    {
        var body = Bodies.Supplementary("$set", path, text).ToJsonString(Relaxed);
        var updated = await Send(client, new RawRequest("POST", $"/ccd-persistence/cases/{reference}/supplementary-data", Encoding.UTF8.GetBytes(body)));
        Assert.True(updated.Status == HttpStatusCode.OK, updated.ToString());
        Assert.Equal(text, At(updated.Json["supplementary_data"]!, segments));

        var read = await Send(client, new RawRequest("GET", $"/ccd-persistence/cases?case-refs={reference}"));
        Assert.Equal(text, At(read.Json[0]!["case_details"]!["supplementary_data"]!, segments));
    }

    private static string At(JsonNode node, string[] segments) =>
        segments.Aggregate(node, (current, segment) => current[segment]!).GetValue<string>();

    private static Task<CcdAnswer> Send(HttpClient client, RawRequest request) => request.SendAsync(client, TestContext.Current.CancellationToken);
}

/// <summary>The service and database of the valid half: each case writes only its own new case.</summary>
public sealed class ValidHostileStore : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private InMemoryService? _service;
    private long _next = 20_000;

    internal InMemoryService Service => _service ?? throw new InvalidOperationException("Not started.");

    public long NextReference() => Refs.Valid(Interlocked.Increment(ref _next));

    public async Task EnsureStartedAsync(PostgresServer postgres)
    {
        await _gate.WaitAsync();
        try
        {
            _service ??= await InMemoryService.StartAsync(postgres);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        _gate.Dispose();
    }
}
