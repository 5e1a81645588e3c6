using System.Net.Http.Json;
using Adoption.Service.Tests.Support;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Api.Cases;

/// <summary>Acceptance 3: a stale version on update, status change or delete is a 409 carrying the current version, and writes nothing.</summary>
public sealed class OptimisticLockingTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("update")]
    [InlineData("status")]
    [InlineData("delete")]
    public async Task a_stale_version_is_409_with_the_current_version_and_nothing_written(string operation)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var url = $"/api/cases/{created.Id()}";
        using (var first = await app.Admin().PatchJsonAsync(url, """{"childName": "Robin"}""", ifMatch: "\"1\""))
        {
            Assert.Equal("\"2\"", first.ETag());
        }

        var before = await app.SnapshotAsync();

        using var stale = operation switch
        {
            "update" => await app.Caseworker().PatchJsonAsync(url, """{"childName": "Kit"}""", ifMatch: "\"1\""),
            "status" => await app.Caseworker().PostAsJsonAsync($"{url}/status", new { status = "DIRECTIONS", version = 1 }, Ct),
            _ => await app.Caseworker().DeleteAsync(url, ifMatch: "\"1\""),
        };

        var problem = await stale.AssertProblemAsync(409);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt32());
        Assert.Equal(before, await app.SnapshotAsync());
    }
}
