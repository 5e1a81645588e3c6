using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Ccd.Runtime.Tests.Support;
using Ccd.Runtime.Tests.Writing;

namespace Ccd.Runtime.Tests.Endpoints;

/// <summary>CCD's callback JSON, kept as files in Fixtures/: each holds the endpoint, the caller's courts, the request and the exact expected response.</summary>
public sealed class CallbackTests(PostgresServer postgres)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Fixtures => new(
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Endpoints", "Fixtures"), "*.json").Select(Path.GetFileName).OfType<string>().Order());

    private async Task<TestServiceApp> StartAsync() =>
        await TestServiceApp.StartAsync(CallbackTestService.Definition, await postgres.CreateDatabaseAsync(), services: services =>
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(CallbackTestService.Today)));

    private static StringContent Body(JsonNode request) => new(request.ToJsonString(), Encoding.UTF8, "application/json");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task a_callback_answers_its_fixture_exactly(string fixture)
    {
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Endpoints", "Fixtures", fixture), Token))!;
        await using var app = await StartAsync();
        var courts = file["courts"]!.AsArray().Select(court => court!.GetValue<string>()).ToArray();
        using var client = app.CreateClient(TestTokens.User("caseworker-1", ["caseworker-adoption"], courts), TestTokens.Service());

        using var response = await client.PostAsync(new Uri(file["endpoint"]!.GetValue<string>(), UriKind.Relative), Body(file["request"]!), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.True(JsonNode.DeepEquals(file["response"], answer), $"expected {file["response"]!.ToJsonString()}\nactual   {answer?.ToJsonString()}");
    }

    public static TheoryData<string?, string?, HttpStatusCode> Callers => new()
    {
        { null, TestTokens.Service(), HttpStatusCode.Unauthorized },
        { TestTokens.UserSignedWithWrongKey(), TestTokens.Service(), HttpStatusCode.Unauthorized },
        { TestTokens.User(), null, HttpStatusCode.Unauthorized },
        { TestTokens.User(), TestTokens.Service("some_other_service"), HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task both_callbacks_refuse_a_caller_without_both_valid_tokens_from_an_allowed_service(string? user, string? service, HttpStatusCode expected)
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient(user, service);
        var request = JsonNode.Parse("""{"case_details":{"jurisdiction":"TEST","case_type_id":"FT_Callbacks","case_data":{}},"event_id":"create"}""")!;

        using var aboutToStart = await client.PostAsync(new Uri("/callbacks/about-to-start", UriKind.Relative), Body(request), Token);
        using var midEvent = await client.PostAsync(new Uri("/callbacks/mid-event?page=hearing", UriKind.Relative), Body(request), Token);

        Assert.Equal((expected, expected), (aboutToStart.StatusCode, midEvent.StatusCode));
    }

    [Fact]
    public async Task a_request_without_case_details_or_a_mid_event_without_a_page_is_a_bad_request()
    {
        await using var app = await StartAsync();
        using var client = app.CreateCcdClient();

        using var noCase = await client.PostAsync(new Uri("/callbacks/about-to-start", UriKind.Relative), Body(JsonNode.Parse("""{"event_id":"create"}""")!), Token);
        using var noPage = await client.PostAsync(new Uri("/callbacks/mid-event", UriKind.Relative),
            Body(JsonNode.Parse("""{"case_details":{"jurisdiction":"TEST","case_type_id":"FT_Callbacks","case_data":{}},"event_id":"schedule"}""")!), Token);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (noCase.StatusCode, noPage.StatusCode));
        Assert.Contains("page", await noPage.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }
}
