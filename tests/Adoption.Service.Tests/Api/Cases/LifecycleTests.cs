using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Adoption.Service.Tests.Support;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Api.Cases;

/// <summary>Acceptance 7 on the REST API: every allowed transition succeeds, every other is a 422 naming the allowed targets.</summary>
public sealed class LifecycleTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Statuses = ["APPLICATION", "DIRECTIONS", "HEARING", "ORDER_MADE", "CLOSED", "WITHDRAWN"];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["APPLICATION"] = ["DIRECTIONS", "WITHDRAWN"],
        ["DIRECTIONS"] = ["HEARING", "WITHDRAWN"],
        ["HEARING"] = ["ORDER_MADE", "WITHDRAWN"],
        ["ORDER_MADE"] = ["CLOSED"],
        ["CLOSED"] = [],
        ["WITHDRAWN"] = [],
    };

    // How to reach each status from APPLICATION.
    private static readonly Dictionary<string, string[]> PathTo = new()
    {
        ["APPLICATION"] = [],
        ["DIRECTIONS"] = ["DIRECTIONS"],
        ["HEARING"] = ["DIRECTIONS", "HEARING"],
        ["ORDER_MADE"] = ["DIRECTIONS", "HEARING", "ORDER_MADE"],
        ["CLOSED"] = ["DIRECTIONS", "HEARING", "ORDER_MADE", "CLOSED"],
        ["WITHDRAWN"] = ["WITHDRAWN"],
    };

    public static TheoryData<string> AllStatuses => new(Statuses);

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public async Task from_each_status_the_allowed_targets_succeed_and_every_other_is_422(string from)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        foreach (var target in Statuses)
        {
            var (id, version) = await CaseInAsync(app, from);
            var before = await app.SnapshotAsync();

            using var response = await app.Caseworker().PostAsJsonAsync($"/api/cases/{id}/status", new { status = target, version }, Ct);

            if (Allowed[from].Contains(target))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(target, (await response.JsonAsync()).GetProperty("status").GetString());
            }
            else
            {
                var problem = await response.AssertProblemAsync(422, "status");
                Assert.Equal(Allowed[from], problem.GetProperty("allowedTargets").EnumerateArray().Select(t => t.GetString()));
                Assert.Equal(before, await app.SnapshotAsync());
            }
        }
    }

    [Fact]
    public async Task a_judge_of_the_court_makes_the_order_but_no_other_change()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var (atHearing, version) = await CaseInAsync(app, "HEARING");
        var (atDirections, directionsVersion) = await CaseInAsync(app, "DIRECTIONS");

        using var order = await app.Judge().PostAsJsonAsync($"/api/cases/{atHearing}/status", new { status = "ORDER_MADE", version }, Ct);
        using var close = await app.Judge().PostAsJsonAsync($"/api/cases/{atHearing}/status", new { status = "CLOSED", version = version + 1 }, Ct);
        using var list = await app.Judge().PostAsJsonAsync($"/api/cases/{atDirections}/status", new { status = "HEARING", version = directionsVersion }, Ct);
        using var otherCourt = await app.Judge("MFC").PostAsJsonAsync($"/api/cases/{atHearing}/status", new { status = "CLOSED", version = version + 1 }, Ct);

        Assert.Equal(HttpStatusCode.OK, order.StatusCode);
        await close.AssertProblemAsync(403);
        await list.AssertProblemAsync(403);
        await otherCourt.AssertProblemAsync(404);
    }

    private static async Task<(string Id, int Version)> CaseInAsync(AdoptionApp app, string status)
    {
        var created = await app.CreateCaseAsync();
        var version = 1;
        foreach (var step in PathTo[status])
        {
            using var moved = await app.Admin().PostAsJsonAsync($"/api/cases/{created.Id()}/status", new { status = step, version }, Ct);
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            version = (await moved.JsonAsync()).Version();
        }

        return (created.Id(), version);
    }
}
