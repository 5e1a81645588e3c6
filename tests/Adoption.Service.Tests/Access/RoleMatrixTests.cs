using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Adoption.Service.Tests.Support;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Access;

/// <summary>
/// Acceptance 5: the role table of the API as a matrix. Each row is one role in one situation toward one case
/// (its court or another court; assigned, never assigned, or assigned then revoked) and the documented outcome
/// of each operation: listed or not, and the status of get, audit, update, status change, add document, delete.
/// </summary>
public sealed class RoleMatrixTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record Expect(bool Listed, int Get, int Audit, int Update, int Status, int AddDocument, int Delete);

    private static readonly Expect Everything = new(true, 200, 200, 200, 200, 201, 204);
    private static readonly Expect Invisible = new(false, 404, 404, 404, 404, 404, 404);
    private static readonly Expect JudgeReads = new(true, 200, 200, 403, 403, 403, 403);
    private static readonly Expect AssignedReadsAndAddsDocuments = new(true, 200, 403, 403, 403, 201, 403);

    public static TheoryData<string, string, string> Matrix => new()
    {
        { "admin", "other-court", nameof(Everything) },
        { "caseworker", "own-court", nameof(Everything) },
        { "caseworker", "other-court", nameof(Invisible) },
        { "judge", "own-court", nameof(JudgeReads) },
        { "judge", "other-court", nameof(Invisible) },
        { "social-worker", "assigned", nameof(AssignedReadsAndAddsDocuments) },
        { "social-worker", "not-assigned", nameof(Invisible) },
        { "social-worker", "revoked", nameof(Invisible) },
        { "cafcass", "assigned", nameof(AssignedReadsAndAddsDocuments) },
        { "cafcass", "not-assigned", nameof(Invisible) },
        { "cafcass", "revoked", nameof(Invisible) },
        { "adopter", "assigned", nameof(AssignedReadsAndAddsDocuments) },
        { "adopter", "not-assigned", nameof(Invisible) },
        { "adopter", "revoked", nameof(Invisible) },
    };

    private static Expect Outcome(string name) => name switch
    {
        nameof(Everything) => Everything,
        nameof(Invisible) => Invisible,
        nameof(JudgeReads) => JudgeReads,
        _ => AssignedReadsAndAddsDocuments,
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task each_role_gets_the_documented_result_for_each_operation(string role, string situation, string outcome)
    {
        var expect = Outcome(outcome);
        await using var app = await AdoptionApp.StartAsync(postgres);
        var caseCourt = situation == "other-court" ? "MFC" : "BFC";
        var target = await app.CreateCaseAsync(caseCourt);
        var id = target.Id();
        var userId = $"{role}-user";
        if (situation is "assigned" or "revoked")
        {
            var assignment = await app.AssignAsync(id, userId, role);
            if (situation == "revoked")
            {
                using var revoked = await app.Admin().DeleteAsync($"/api/cases/{id}/assignments/{assignment.Id()}", ifMatch: null);
                Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
            }
        }

        // Assignment roles are held without courts; court roles hold BFC only.
        var user = app.Client(userId, [role], role is "caseworker" or "judge" ? ["BFC"] : []);

        var list = await user.GetFromJsonAsync<JsonElement>("/api/cases", Ct);
        Assert.Equal(expect.Listed, list.GetProperty("items").EnumerateArray().Any(c => c.Id() == id));
        Assert.Equal(expect.Listed ? 1 : 0, list.GetProperty("total").GetInt64());

        await AssertStatus(expect.Get, await user.GetAsync($"/api/cases/{id}", Ct));
        await AssertStatus(expect.Audit, await user.GetAsync($"/api/cases/{id}/audit", Ct));
        await AssertStatus(expect.Update, await user.PatchJsonAsync($"/api/cases/{id}", """{"childName": "Robin"}""", ifMatch: $"\"{await VersionAsync(app, id)}\""));
        await AssertStatus(expect.Status, await user.PostAsJsonAsync($"/api/cases/{id}/status", new { status = "DIRECTIONS", version = await VersionAsync(app, id) }, Ct));
        await AssertStatus(expect.AddDocument, await user.PostAsJsonAsync($"/api/cases/{id}/documents",
            new { fileName = "a.pdf", contentType = "application/pdf", sizeBytes = 10 }, Ct));
        await AssertStatus(expect.Delete, await user.DeleteAsync($"/api/cases/{id}", ifMatch: $"\"{await VersionAsync(app, id)}\""));
    }

    [Fact]
    public async Task a_user_with_several_roles_sees_the_union()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var inCourt = await app.CreateCaseAsync("BFC");
        var assigned = await app.CreateCaseAsync("MFC");
        var neither = await app.CreateCaseAsync("LFC");
        await app.AssignAsync(assigned.Id(), "both-1", "social-worker");
        var user = app.Client("both-1", ["judge", "social-worker"], "BFC");

        var list = await user.GetFromJsonAsync<JsonElement>("/api/cases", Ct);
        using var hidden = await user.GetAsync($"/api/cases/{neither.Id()}", Ct);
        using var document = await user.PostAsJsonAsync($"/api/cases/{assigned.Id()}/documents",
            new { fileName = "a.pdf", contentType = "application/pdf", sizeBytes = 10 }, Ct);

        Assert.Equal(new[] { assigned.Id(), inCourt.Id() }.Order(), list.GetProperty("items").EnumerateArray().Select(c => c.Id()).Order());
        Assert.Equal(2, list.GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.Created, document.StatusCode);
    }

    [Fact]
    public async Task an_assignment_counts_only_for_a_role_the_token_holds()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var target = await app.CreateCaseAsync();
        await app.AssignAsync(target.Id(), "person-1", "cafcass");

        using var asCafcass = await app.Client("person-1", ["cafcass"]).GetAsync($"/api/cases/{target.Id()}", Ct);
        using var asAdopter = await app.Client("person-1", ["adopter"]).GetAsync($"/api/cases/{target.Id()}", Ct);

        Assert.Equal(HttpStatusCode.OK, asCafcass.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asAdopter.StatusCode);
    }

    [Fact]
    public async Task caseworkers_create_only_in_their_courts_and_adopters_are_assigned_to_their_applications()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);

        using var otherCourt = await app.Caseworker("BFC").PostAsJsonAsync("/api/cases", new { courtCode = "MFC", applicantName = "A", childName = "C" }, Ct);
        using var asJudge = await app.Judge("BFC").PostAsJsonAsync("/api/cases", new { courtCode = "BFC", applicantName = "A", childName = "C" }, Ct);
        var adopter = app.Client("adopter-9", ["adopter"]);
        var application = await app.CreateCaseAsync("LFC", adopter);
        using var readBack = await adopter.GetAsync($"/api/cases/{application.Id()}", Ct);

        await otherCourt.AssertProblemAsync(403, "courtCode");
        await asJudge.AssertProblemAsync(403);
        var assignment = Assert.Single(application.GetProperty("assignments").EnumerateArray());
        Assert.Equal("adopter-9", assignment.GetProperty("userId").GetString());
        Assert.Equal("adopter", assignment.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, readBack.StatusCode);
    }

    private static async Task<int> VersionAsync(AdoptionApp app, string id)
    {
        var current = await app.Admin().GetFromJsonAsync<JsonElement>($"/api/cases/{id}", Ct);
        return current.Version();
    }

    private static async Task AssertStatus(int expected, HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(expected == (int)response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {expected}, got {(int)response.StatusCode} {body}");
        }
    }
}
