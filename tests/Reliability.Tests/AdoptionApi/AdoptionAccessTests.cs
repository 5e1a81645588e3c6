using Ccd.Runtime.Testing;
using System.Net;
using Ccd.Testing;
using Reliability.Tests.Support;
using Xunit;
using static Reliability.Tests.AdoptionApi.AdoptionService;

namespace Reliability.Tests.AdoptionApi;

/// <summary>
/// Authentication and access over every endpoint of the adoption REST API. Broken tokens are refused (401) before
/// anything is read or written, alike for an existing and an absent case. For every role a case it cannot see and a
/// case that does not exist are indistinguishable (same status, same body but for the ids and trace id), nothing is
/// written through either, and no list, read or audit answer ever contains a case the caller cannot see. (The
/// documented outcome of each role on a case it can see is <c>Adoption.Service.Tests/Access/RoleMatrixTests</c>.)
/// </summary>
public sealed class AdoptionAccessTests(PostgresServer postgres)
{
    private const string Absent = "0195f0c1-0000-7000-8000-0000000000ab";
    private const string AbsentChild = "0195f0c1-0000-7000-8000-0000000000cd";

    private static readonly (string Name, string? Token)[] BrokenTokens =
    [
        ("no token", null),
        ("garbage", "not.a.token"),
        ("expired", TestTokens.ExpiredUser("admin-1")),
        ("not yet valid", TestTokens.NotYetValidUser("admin-1")),
        ("signed with another key", TestTokens.UserSignedWithWrongKey("admin-1")),
        ("for another audience", TestTokens.UserForWrongAudience("admin-1")),
        ("alg none", TestTokens.UnsignedUser("admin-1")),
        ("a service token", TestTokens.Service()),
    ];

    /// <summary>Every per-case endpoint, with a body that passes validation so the request reaches the case lookup.</summary>
    private static readonly (string Method, string Path, string? Json)[] CaseEndpoints =
    [
        ("GET", "/api/cases/{case}", null),
        ("PATCH", "/api/cases/{case}", """{"childName":"Leaked","version":1}"""),
        ("POST", "/api/cases/{case}/status", """{"status":"WITHDRAWN","version":1}"""),
        ("DELETE", "/api/cases/{case}?version=1", null),
        ("POST", "/api/cases/{case}/assignments", """{"userId":"intruder-1","role":"cafcass"}"""),
        ("DELETE", "/api/cases/{case}/assignments/{assignment}", null),
        ("POST", "/api/cases/{case}/documents", """{"fileName":"x.pdf","contentType":"application/pdf","sizeBytes":1}"""),
        ("GET", "/api/cases/{case}/documents", null),
        ("PATCH", "/api/cases/{case}/documents/{document}", """{"uploadStatus":"UPLOADED"}"""),
        ("DELETE", "/api/cases/{case}/documents/{document}", null),
        ("GET", "/api/cases/{case}/audit", null),
    ];

    private static readonly (string Method, string Path, string? Json)[] OtherEndpoints =
    [
        ("GET", "/api/courts", null),
        ("GET", "/api/cases", null),
        ("GET", "/api/cases?court=MFC&status=APPLICATION&page=1&pageSize=100", null),
        ("POST", "/api/cases", """{"courtCode":"BFC","applicantName":"A","childName":"C"}"""),
    ];

    [Fact]
    public async Task every_broken_token_on_every_endpoint_is_401_alike_for_an_existing_and_an_absent_case_and_nothing_is_read_or_written()
    {
        await using var service = await StartAsync(postgres);
        using var client = service.CreateClient();
        var seeded = await SeedAsync(client);
        var before = await StoreSnapshot.TakeAsync(service.DataSource);

        var checkedRequests = 0;
        foreach (var (name, token) in BrokenTokens)
        {
            var header = new KeyValuePair<string, string?>("Authorization", token is null ? null : "Bearer " + token);
            foreach (var (method, path, json) in CaseEndpoints)
            {
                var onExisting = await Send(client, Api(method, seeded.Visible.Resolve(path), json) with { Headers = [header] });
                var onAbsent = await Send(client, Api(method, AbsentCase.Resolve(path), json) with { Headers = [header] });
                Assert.True(onExisting.Code == 401, $"{name} on {method} {path}: {onExisting}");
                Assert.Equal(onExisting.Code, onAbsent.Code);
                Assert.Equal(onExisting.ProblemWithoutTrace(), onAbsent.ProblemWithoutTrace());
                AssertHides(seeded.Visible, onExisting);
                checkedRequests += 2;
            }

            foreach (var (method, path, json) in OtherEndpoints)
            {
                var reply = await Send(client, Api(method, path, json) with { Headers = [header] });
                Assert.True(reply.Code == 401, $"{name} on {method} {path}: {reply}");
                Assert.Equal("application/problem+json", reply.ContentType);
                AssertHides(seeded.Visible, reply);
                AssertHides(seeded.Invisible, reply);
                checkedRequests++;
            }
        }

        Assert.Equal(BrokenTokens.Length * ((CaseEndpoints.Length * 2) + OtherEndpoints.Length), checkedRequests);
        Assert.Empty(before.Differences(await StoreSnapshot.TakeAsync(service.DataSource)));
    }

    public static TheoryData<string> Roles { get; } = ["caseworker", "judge", "social-worker", "adopter", "cafcass", "admin", "judge+social-worker", "no role"];

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task for_every_role_an_invisible_case_is_indistinguishable_from_an_absent_one_no_answer_leaks_it_and_sub_resources_obey_the_role(string role)
    {
        await using var service = await StartAsync(postgres);
        using var client = service.CreateClient();
        var seeded = await SeedAsync(client);
        var token = role switch
        {
            "caseworker" => TestTokens.User("cw-1", ["caseworker"], ["BFC"]),
            "judge" => TestTokens.User("judge-1", ["judge"], ["BFC"]),
            "admin" => TestTokens.User("admin-2", ["admin"]),
            "judge+social-worker" => TestTokens.User("multi-1", ["judge", "social-worker"], ["LFC"]),
            "no role" => TestTokens.User("nobody-1", courts: ["BFC"]),
            _ => TestTokens.User(AssignedUser(role), [role]),
        };

        // What the role sees: the admin every case, nobody without a role any; the others the BFC case (court or assignment).
        var visible = role == "no role" ? [] : role == "admin" ? new[] { seeded.Visible, seeded.Invisible } : [seeded.Visible];
        var invisible = role == "no role" ? new[] { seeded.Visible, seeded.Invisible } : role == "admin" ? [] : [seeded.Invisible];
        var before = await StoreSnapshot.TakeAsync(service.DataSource);

        foreach (var hidden in invisible)
        {
            foreach (var (method, path, json) in CaseEndpoints)
            {
                var onHidden = await Send(client, Api(method, hidden.Resolve(path), json, token));
                var onAbsent = await Send(client, Api(method, AbsentCase.Resolve(path), json, token));
                Assert.True(onHidden.Code == 404, $"{role}: {method} {path} on a case it cannot see: {onHidden}");
                Assert.Equal(onAbsent.Code, onHidden.Code);
                Assert.Equal(AbsentCase.Normalise(onAbsent.ProblemWithoutTrace()), hidden.Normalise(onHidden.ProblemWithoutTrace()));
                // The refusal may echo the ids the caller sent, but nothing it did not know.
                Assert.DoesNotContain(hidden.Reference, onHidden.Text, StringComparison.Ordinal);
                Assert.DoesNotContain(hidden.Secret, onHidden.Text, StringComparison.Ordinal);
            }
        }

        foreach (var (method, path, json) in CaseEndpoints.Where(endpoint => endpoint.Method != "GET"))
        {
            var onAbsent = await Send(client, Api(method, AbsentCase.Resolve(path), json, token));
            Assert.True(onAbsent.Code == 404, $"{role}: {method} {path} on an absent case: {onAbsent}");
        }

        Assert.Empty(before.Differences(await StoreSnapshot.TakeAsync(service.DataSource)));

        // Reads of what it can see never carry what it cannot.
        foreach (var (method, path, json) in OtherEndpoints.Where(endpoint => endpoint.Method == "GET"))
        {
            var list = await Send(client, Api(method, path, json, token));
            Assert.True(list.Code == 200, $"{role}: {method} {path}: {list}");
            foreach (var hidden in invisible)
            {
                AssertHides(hidden, list);
            }
        }

        var all = await Send(client, Api("GET", "/api/cases?pageSize=100", null, token));
        Assert.Equal(visible.Select(c => c.Id).Order(), all.Json["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>()).Order());
        Assert.Equal(visible.Length, all.Json["total"]!.GetValue<long>());
        foreach (var seen in visible)
        {
            foreach (var path in new[] { "/api/cases/{case}", "/api/cases/{case}/documents", "/api/cases/{case}/audit" })
            {
                var read = await Send(client, Api("GET", seen.Resolve(path), null, token));
                Assert.True(read.Code is 200 or 403, $"{role}: GET {path}: {read}");
                foreach (var hidden in invisible)
                {
                    AssertHides(hidden, read);
                }

                foreach (var other in visible.Where(other => other != seen))
                {
                    AssertHides(other, read);
                }
            }
        }

        // The sub-resources of a case it can see (RoleMatrixTests covers the case itself): assignments and document
        // progress belong to case managers (admin, caseworker of the court); the others are refused and write nothing.
        var manages = role is "admin" or "caseworker";
        foreach (var seen in visible)
        {
            var beforeWrites = await StoreSnapshot.TakeAsync(service.DataSource);
            (string Method, string Path, string? Json, int Allowed)[] writes =
            [
                ("POST", "/api/cases/{case}/assignments", """{"userId":"extra-1","role":"cafcass"}""", 201),
                ("PATCH", "/api/cases/{case}/documents/{document}", """{"uploadStatus":"UPLOADED"}""", 200),
                ("DELETE", "/api/cases/{case}/documents/{document}", null, 204),
                ("DELETE", "/api/cases/{case}/assignments/{assignment}", null, 204),
            ];
            foreach (var (method, path, json, allowed) in writes)
            {
                var reply = await Send(client, Api(method, seen.Resolve(path), json, token));
                Assert.True(reply.Code == (manages ? allowed : 403), $"{role}: {method} {path} on a case it can see: {reply}");
            }

            var changed = beforeWrites.Differences(await StoreSnapshot.TakeAsync(service.DataSource));
            Assert.True(manages == (changed.Count > 0), $"{role}: the refused writes changed {string.Join("; ", changed)}");
        }
    }

    /// <summary>A case of the test store and the ids of its assignment and document.</summary>
    private sealed record SeededCase(string Id, string Reference, string Assignment, string Document, string Secret)
    {
        public string Resolve(string path) => path
            .Replace("{case}", Id, StringComparison.Ordinal)
            .Replace("{assignment}", Assignment, StringComparison.Ordinal)
            .Replace("{document}", Document, StringComparison.Ordinal);

        /// <summary>The problem text with this case's ids replaced, to compare problems about two different cases.</summary>
        public string Normalise(string problem) => problem
            .Replace(Id, "{case}", StringComparison.Ordinal)
            .Replace(Assignment, "{assignment}", StringComparison.Ordinal)
            .Replace(Document, "{document}", StringComparison.Ordinal);
    }

    private static readonly SeededCase AbsentCase = new(Absent, "0000000000000000", AbsentChild, AbsentChild, "absent");

    private sealed record Seeded(SeededCase Visible, SeededCase Invisible);

    private static string AssignedUser(string role) => role + "-1";

    /// <summary>
    /// A BFC case with every assignment role's user assigned (and the multi-role user as a social worker), and an MFC
    /// case assigned to nobody the tests use; each with a document and a distinctive secret in its names.
    /// </summary>
    private static async Task<Seeded> SeedAsync(HttpClient client)
    {
        async Task<SeededCase> CaseAsync(string court, string secret, (string User, string Role)[] assignments)
        {
            var created = await ExpectAsync(client, HttpStatusCode.Created, Api("POST", "/api/cases",
                $$"""{"courtCode":"{{court}}","applicantName":"{{secret}} applicant","childName":"{{secret}} child","applicantEmail":"{{secret}}@example.org"}"""));
            var id = created!["id"]!.GetValue<string>();
            var assignment = "";
            foreach (var (user, role) in assignments)
            {
                var assigned = await ExpectAsync(client, HttpStatusCode.Created, Api("POST", $"/api/cases/{id}/assignments", $$"""{"userId":"{{user}}","role":"{{role}}"}"""));
                assignment = assigned!["id"]!.GetValue<string>();
            }

            var document = await ExpectAsync(client, HttpStatusCode.Created, Api("POST", $"/api/cases/{id}/documents",
                $$"""{"fileName":"{{secret}}.pdf","contentType":"application/pdf","sizeBytes":3}"""));
            return new SeededCase(id, created["ccdReference"]!.GetValue<string>(), assignment, document!["id"]!.GetValue<string>(), secret);
        }

        var visible = await CaseAsync("BFC", "Visiblesecret",
        [
            (AssignedUser("social-worker"), "social-worker"), (AssignedUser("adopter"), "adopter"), ("multi-1", "social-worker"), (AssignedUser("cafcass"), "cafcass"),
        ]);
        var invisible = await CaseAsync("MFC", "Hiddensecret", [("someone-else", "cafcass")]);
        return new Seeded(visible, invisible);
    }

    /// <summary>Fails if the answer carries anything of <paramref name="seeded"/>: its id, reference, names or document.</summary>
    private static void AssertHides(SeededCase seeded, CcdAnswer reply)
    {
        foreach (var marker in new[] { seeded.Id, seeded.Reference, seeded.Secret, seeded.Document })
        {
            Assert.False(reply.Text.Contains(marker, StringComparison.Ordinal), $"the answer reveals {marker}: {reply}");
        }
    }

    private static Task<CcdAnswer> Send(HttpClient client, RawRequest request) => request.SendAsync(client, TestContext.Current.CancellationToken);
}
