using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Adoption.Service.Tests.Support;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Api.Cases;

/// <summary>Acceptance 4: a deleted case vanishes from every read and write, while its rows and an audit row remain.</summary>
public sealed class SoftDeleteTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_deleted_case_vanishes_from_reads_and_updates_but_its_rows_remain_with_an_audit_row()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var kept = await app.CreateCaseAsync();
        var deleted = await app.CreateCaseAsync();
        var url = $"/api/cases/{deleted.Id()}";
        using (var add = await app.Admin().PostAsJsonAsync($"{url}/documents", new { fileName = "a.pdf", contentType = "application/pdf", sizeBytes = 1 }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        }

        using var delete = await app.Caseworker().DeleteAsync(url, ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        var list = await app.Admin().GetFromJsonAsync<JsonElement>("/api/cases", Ct);
        Assert.Equal([kept.Id()], list.GetProperty("items").EnumerateArray().Select(c => c.Id()));
        Assert.Equal(1, list.GetProperty("total").GetInt64());
        await (await app.Admin().GetAsync(url, Ct)).AssertProblemAsync(404);
        await (await app.Admin().GetAsync($"{url}/documents", Ct)).AssertProblemAsync(404);
        await (await app.Admin().GetAsync($"{url}/audit", Ct)).AssertProblemAsync(404);
        await (await app.Admin().PatchJsonAsync(url, """{"childName": "Robin"}""", ifMatch: "\"2\"")).AssertProblemAsync(404);
        await (await app.Admin().PostAsJsonAsync($"{url}/status", new { status = "DIRECTIONS", version = 2 }, Ct)).AssertProblemAsync(404);
        await (await app.Admin().DeleteAsync(url, ifMatch: "\"2\"")).AssertProblemAsync(404);
        await (await app.Admin().PostAsJsonAsync($"{url}/assignments", new { userId = "sw-1", role = "cafcass" }, Ct)).AssertProblemAsync(404);

        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.cases WHERE id = @id AND deleted_at IS NOT NULL AND deleted_by = 'caseworker-1'", ("id", Guid.Parse(deleted.Id()))));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.documents WHERE case_id = @id", ("id", Guid.Parse(deleted.Id()))));
        Assert.Equal(1, await app.CountAsync(
            "SELECT count(*) FROM adoption.audit_log WHERE case_id = @id AND action = 'case.deleted' AND actor = 'caseworker-1'", ("id", Guid.Parse(deleted.Id()))));
    }
}
