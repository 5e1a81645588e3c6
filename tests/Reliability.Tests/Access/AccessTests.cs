using Ccd.Runtime.Testing;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.Access;

/// <summary>
/// Authentication and access across every endpoint of the persistence API: every broken credential is refused
/// before anything is read, with an answer that is the same whether the case exists or not, and any role of a
/// properly authenticated CCD call sees the same case (CCD, not the service, decides who may see a case there).
/// </summary>
public sealed class AccessTests(PostgresServer postgres)
{
    private static readonly string[] Roles = ["caseworker-adoption", "caseworker-adoption-judge", "citizen", "caseworker-adoption-la", "cafcass", "admin"];

    private static readonly (string Name, string Header, string? Value, int Status)[] Credentials =
    [
        ("no user token", "Authorization", null, 401),
        ("expired user token", "Authorization", "Bearer " + TestTokens.ExpiredUser(), 401),
        ("not-yet-valid user token", "Authorization", "Bearer " + TestTokens.NotYetValidUser(), 401),
        ("user token signed with another key", "Authorization", "Bearer " + TestTokens.UserSignedWithWrongKey(), 401),
        ("user token for another audience", "Authorization", "Bearer " + TestTokens.UserForWrongAudience(), 401),
        ("alg none user token", "Authorization", "Bearer " + TestTokens.UnsignedUser(), 401),
        ("no service token", "ServiceAuthorization", null, 401),
        ("expired service token", "ServiceAuthorization", TestTokens.ExpiredService(), 401),
        ("alg none service token", "ServiceAuthorization", TestTokens.UnsignedService(), 401),
        ("service token signed with another key", "ServiceAuthorization", TestTokens.ServiceSignedWithWrongKey(), 401),
        ("service not allowed", "ServiceAuthorization", TestTokens.Service("xui_webapp"), 403),
        ("another service not allowed", "ServiceAuthorization", TestTokens.Service("adoption_web"), 403),
    ];

    [Fact]
    public async Task every_broken_credential_on_every_endpoint_is_refused_alike_for_an_existing_and_an_absent_case()
    {
        await using var service = await InMemoryService.StartAsync(postgres);
        using var client = service.CreateClient();
        var existing = Refs.Valid(70_001);
        var absent = Refs.Valid(70_002);
        var created = await Send(client, Submit(existing, Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var eventId = (await Send(client, new RawRequest("GET", $"/ccd-persistence/cases/{existing}/history"))).Json[0]!["id"]!.GetValue<long>();
        var before = await StoreSnapshot.TakeAsync(service.DataSource);

        var checkedPairs = 0;
        foreach (var (name, header, value, status) in Credentials)
        {
            foreach (var endpoint in Endpoints(eventId))
            {
                var onExisting = await Send(client, endpoint(existing) with { Headers = [new(header, value)] });
                var onAbsent = await Send(client, endpoint(absent) with { Headers = [new(header, value)] });
                Assert.True(status == onExisting.Code, $"{name} on {endpoint(existing).Path}: {onExisting}");
                Assert.Equal(onExisting.Code, onAbsent.Code);
                Assert.Equal(onExisting.ProblemWithoutTrace(), onAbsent.ProblemWithoutTrace());
                Assert.DoesNotContain(Refs.Text(existing), onExisting.Text, StringComparison.Ordinal);
                checkedPairs++;
            }
        }

        Assert.Equal(Credentials.Length * 5, checkedPairs);
        Assert.Empty(before.Differences(await StoreSnapshot.TakeAsync(service.DataSource)));
    }

    [Fact]
    public async Task every_role_of_an_authenticated_ccd_call_reads_the_same_case_and_history()
    {
        await using var service = await InMemoryService.StartAsync(postgres);
        using var client = service.CreateClient();
        var reference = Refs.Valid(70_003);
        Assert.Equal(HttpStatusCode.Created, (await Send(client, Submit(reference, Guid.NewGuid()))).Status);

        var answers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in Roles.Select(role => new[] { role }).Append([]).Append(Roles))
        {
            var token = "Bearer " + TestTokens.User("role-user", role);
            var read = await Send(client, new RawRequest("GET", $"/ccd-persistence/cases?case-refs={reference}") { Headers = [new("Authorization", token)] });
            var history = await Send(client, new RawRequest("GET", $"/ccd-persistence/cases/{reference}/history") { Headers = [new("Authorization", token)] });
            Assert.Equal(HttpStatusCode.OK, read.Status);
            Assert.Equal(HttpStatusCode.OK, history.Status);
            answers.Add(read.Text + history.Text);
        }

        Assert.Single(answers);
    }

    [Fact]
    public async Task an_absent_case_and_an_unknown_event_answer_without_naming_other_cases()
    {
        await using var service = await InMemoryService.StartAsync(postgres);
        using var client = service.CreateClient();
        var first = Refs.Valid(70_004);
        var second = Refs.Valid(70_005);
        await Send(client, Submit(first, Guid.NewGuid()));
        await Send(client, Submit(second, Guid.NewGuid()));
        var secondEvent = (await Send(client, new RawRequest("GET", $"/ccd-persistence/cases/{second}/history"))).Json[0]!["id"]!.GetValue<long>();

        // Another case's event id under this case's reference is as unknown as an id that does not exist.
        var foreign = await Send(client, new RawRequest("GET", $"/ccd-persistence/cases/{first}/history/{secondEvent}"));
        var missing = await Send(client, new RawRequest("GET", $"/ccd-persistence/cases/{first}/history/{secondEvent + 1000}"));
        Assert.Equal(HttpStatusCode.NotFound, foreign.Status);
        Assert.Equal(missing.ProblemWithoutTrace().Replace(Refs.Text(secondEvent + 1000), "N", StringComparison.Ordinal),
            foreign.ProblemWithoutTrace().Replace(Refs.Text(secondEvent), "N", StringComparison.Ordinal));
        Assert.DoesNotContain(Refs.Text(second), foreign.Text, StringComparison.Ordinal);

        // Supplementary data of a case that does not exist: 404, and nothing created.
        var absent = Refs.Valid(70_006);
        var update = await Send(client, new RawRequest("POST", $"/ccd-persistence/cases/{absent}/supplementary-data",
            Encoding.UTF8.GetBytes(Bodies.Supplementary("$inc", "a", 1).ToJsonString())));
        Assert.Equal(HttpStatusCode.NotFound, update.Status);
        Assert.Equal("[]", (await Send(client, new RawRequest("GET", $"/ccd-persistence/cases?case-refs={absent}"))).Text);
    }

    private static IEnumerable<Func<long, RawRequest>> Endpoints(long eventId) =>
    [
        reference => Submit(reference, Guid.NewGuid()),
        reference => new RawRequest("GET", $"/ccd-persistence/cases?case-refs={reference}"),
        reference => new RawRequest("GET", $"/ccd-persistence/cases/{reference}/history"),
        reference => new RawRequest("GET", $"/ccd-persistence/cases/{reference}/history/{eventId}"),
        reference => new RawRequest("POST", $"/ccd-persistence/cases/{reference}/supplementary-data",
            Encoding.UTF8.GetBytes(Bodies.Supplementary("$inc", "a", 1).ToJsonString())),
    ];

    private static RawRequest Submit(long reference, Guid key) =>
        new("POST", "/ccd-persistence/cases", Encoding.UTF8.GetBytes(Bodies.Create(reference, new JsonObject { ["text"] = "secret " + reference }).ToJsonString()))
        {
            Headers = [new("Idempotency-Key", key.ToString())],
        };

    private static Task<CcdAnswer> Send(HttpClient client, RawRequest request) => request.SendAsync(client, TestContext.Current.CancellationToken);
}
