using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Wire;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.A58CaseType;

/// <summary>
/// Issue 8, acceptance 1 for case type A58: CCD's callback JSON kept as files in Fixtures/ (the endpoint, the
/// caller, the request and the exact expected <c>data</c>, <c>errors</c> and <c>warnings</c>), answered by the
/// adoption service on its own database, on Thursday 2026-03-05.
/// </summary>
public sealed class CallbackFixtureTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string FixtureFolder => Path.Combine(AppContext.BaseDirectory, "A58CaseType", "Fixtures");

    public static TheoryData<string> Fixtures => new(Directory.GetFiles(FixtureFolder, "*.json").Select(Path.GetFileName).OfType<string>().Order());

    private static StringContent Body(JsonNode request) => new(request.ToJsonString(), Encoding.UTF8, "application/json");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task an_a58_callback_answers_its_fixture_exactly(string fixture)
    {
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(FixtureFolder, fixture), Ct))!;
        await using var app = await AdoptionApp.StartAsync(postgres);
        var user = file["user"]!;
        using var client = app.App.CreateClient(
            TestTokens.User(user["id"]!.GetValue<string>(), Strings(user["roles"]!), Strings(user["courts"]!)), TestTokens.Service());

        using var response = await client.PostAsync(new Uri(file["endpoint"]!.GetValue<string>(), UriKind.Relative), Body(file["request"]!), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(JsonNode.DeepEquals(file["response"], answer), $"expected {file["response"]!.ToJsonString()}\nactual   {answer?.ToJsonString()}");
    }

    public static TheoryData<string?, string?, HttpStatusCode> Callers => new()
    {
        { null, TestTokens.Service(), HttpStatusCode.Unauthorized },
        { TestTokens.UserSignedWithWrongKey("caseworker-1"), TestTokens.Service(), HttpStatusCode.Unauthorized },
        { TestTokens.User("caseworker-1", ["caseworker"], ["BFC"]), null, HttpStatusCode.Unauthorized },
        { TestTokens.User("caseworker-1", ["caseworker"], ["BFC"]), TestTokens.ServiceSignedWithWrongKey(), HttpStatusCode.Unauthorized },
        { TestTokens.User("caseworker-1", ["caseworker"], ["BFC"]), TestTokens.Service("some_other_service"), HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task the_a58_callbacks_refuse_a_caller_without_a_valid_user_token_and_an_allowed_service_token(
        string? userToken, string? serviceToken, HttpStatusCode expected)
    {
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(FixtureFolder, "about-to-start-prefills-the-single-court.json"), Ct))!;
        await using var app = await AdoptionApp.StartAsync(postgres);
        using var client = app.App.CreateClient(userToken, serviceToken);

        using var aboutToStart = await client.PostAsync(new Uri("/callbacks/about-to-start", UriKind.Relative), Body(file["request"]!), Ct);
        using var midEvent = await client.PostAsync(new Uri("/callbacks/mid-event?page=hearingDetails", UriKind.Relative), Body(file["request"]!), Ct);

        Assert.Equal((expected, expected), (aboutToStart.StatusCode, midEvent.StatusCode));
    }

    [Fact]
    public async Task the_minimum_notice_comes_from_configuration()
    {
        await using var app = await AdoptionApp.StartAsync(postgres, configuration: new Dictionary<string, string?> { ["Adoption:Hearings:MinimumNoticeDays"] = "21" });
        using var client = app.App.CreateClient(TestTokens.User("caseworker-1", ["caseworker"], ["BFC"]), TestTokens.Service());
        var request = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(FixtureFolder, "mid-event-good-date.json"), Ct))!["request"]!;

        using var response = await client.PostAsync(new Uri("/callbacks/mid-event?page=hearingDetails", UriKind.Relative), Body(request), Ct);

        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(["The hearing date 2026-03-18 gives less than 21 days' notice."], answer["warnings"]!.AsArray().Select(w => w!.GetValue<string>()));
    }

    [Fact]
    public async Task an_application_submitted_with_the_prefilled_court_is_filed_in_that_court()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        using var client = app.App.CreateClient(TestTokens.User("caseworker-1", ["caseworker"], ["MFC"]), TestTokens.Service());
        var request = JsonNode.Parse("""
            {"case_details": {"jurisdiction": "ADOPTION", "case_type_id": "A58", "case_data": {}}, "event_id": "submitApplication"}
            """)!;
        using var started = await client.PostAsync(new Uri("/callbacks/about-to-start", UriKind.Relative), Body(request), Ct);
        var data = JsonNode.Parse(await started.Content.ReadAsStringAsync(Ct))!["data"]!.AsObject().DeepClone().AsObject();
        data["applicantName"] = "Jo Bloggs";
        data["childName"] = "Max Bloggs";

        var (status, body) = await app.Ccd("caseworker-1", ["caseworker"], "MFC").SubmitApplicationAsync(CaseReference.Mint(), data);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("MFC/2026/00001", body!["case_details"]!["case_data"]!["caseNumber"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_minimum_notice_out_of_range_stops_start_up_naming_the_key()
    {
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            AdoptionApp.StartAsync(postgres, configuration: new Dictionary<string, string?> { ["Adoption:Hearings:MinimumNoticeDays"] = "-1" }));

        Assert.Contains("Adoption:Hearings:MinimumNoticeDays", refused.Message, StringComparison.Ordinal);
    }

    private static string[] Strings(JsonNode array) => array.AsArray().Select(item => item!.GetValue<string>()).ToArray();
}
