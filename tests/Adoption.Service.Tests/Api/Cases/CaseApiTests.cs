using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Adoption.Service.Tests.Support;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Api.Cases;

/// <summary>Acceptance 1: every case endpoint's happy path and its documented errors, over HTTP.</summary>
public sealed class CaseApiTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task courts_lists_the_seeded_family_courts()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);

        var courts = await app.Caseworker().GetFromJsonAsync<JsonElement>("/api/courts", Ct);

        Assert.Equal(["BFC", "CFC", "LFC", "MFC"], courts.EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        Assert.Contains(courts.EnumerateArray(), c => c.GetProperty("name").GetString() == "Birmingham Family Court");
    }

    [Fact]
    public async Task requests_without_a_user_token_are_401()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);

        using var response = await app.App.CreateClient().GetAsync("/api/cases", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task create_answers_201_with_location_etag_case_number_and_a_minted_reference()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);

        using var response = await app.Caseworker().PostAsJsonAsync("/api/cases", new
        {
            courtCode = "BFC",
            applicantName = "Alex Morgan",
            applicantEmail = "alex@example.org",
            applicantPhone = "+44 121 496 0000",
            childName = "Sam Morgan",
            childDateOfBirth = "2020-01-02",
        }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        Assert.Equal($"/api/cases/{created.Id()}", response.Headers.Location?.ToString());
        Assert.Equal("\"1\"", response.ETag());
        Assert.Equal("BFC/2026/00001", created.GetProperty("caseNumber").GetString());
        Assert.Equal("APPLICATION", created.GetProperty("status").GetString());
        Assert.Equal("caseworker-1", created.GetProperty("createdBy").GetString());
        Assert.Equal("2020-01-02", created.GetProperty("childDateOfBirth").GetString());
        Assert.Equal("2026-03-05T10:00:00Z", created.GetProperty("createdAt").GetString());
        var reference = created.GetProperty("ccdReference");
        Assert.Equal(JsonValueKind.String, reference.ValueKind);
        Assert.Matches("^[1-9][0-9]{15}$", reference.GetString()!);
        Assert.True(Ccd.Runtime.Wire.CaseReference.IsValid(long.Parse(reference.GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task get_returns_the_case_with_its_assignments_and_etag()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        await app.AssignAsync(created.Id(), "sw-1", "social-worker");

        using var response = await app.Caseworker().GetAsync($"/api/cases/{created.Id()}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.ETag());
        var body = await response.JsonAsync();
        var assignment = Assert.Single(body.GetProperty("assignments").EnumerateArray());
        Assert.Equal("sw-1", assignment.GetProperty("userId").GetString());
        Assert.Equal("social-worker", assignment.GetProperty("role").GetString());
    }

    [Fact]
    public async Task get_of_an_unknown_case_is_404_and_of_a_malformed_id_is_400()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);

        using var unknown = await app.Admin().GetAsync($"/api/cases/{Guid.NewGuid()}", Ct);
        using var malformed = await app.Admin().GetAsync("/api/cases/not-a-uuid", Ct);

        await unknown.AssertProblemAsync(404);
        await malformed.AssertProblemAsync(400, "id");
    }

    [Fact]
    public async Task list_pages_newest_first_filters_by_court_and_status_and_counts_the_total()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await app.CreateCaseAsync("BFC")).Id());
            app.Time.Advance(TimeSpan.FromMinutes(1));
        }

        await app.CreateCaseAsync("MFC");
        await app.Admin().PostAsJsonAsync($"/api/cases/{ids[0]}/status", new { status = "DIRECTIONS", version = 1 }, Ct);

        var page1 = await app.Admin().GetFromJsonAsync<JsonElement>("/api/cases?court=BFC&page=1&pageSize=2", Ct);
        var page3 = await app.Admin().GetFromJsonAsync<JsonElement>("/api/cases?court=BFC&page=3&pageSize=2", Ct);
        var directions = await app.Admin().GetFromJsonAsync<JsonElement>("/api/cases?court=BFC&status=DIRECTIONS", Ct);

        Assert.Equal(5, page1.GetProperty("total").GetInt64());
        Assert.Equal(1, page1.GetProperty("page").GetInt32());
        Assert.Equal(2, page1.GetProperty("pageSize").GetInt32());
        Assert.Equal([ids[4], ids[3]], page1.GetProperty("items").EnumerateArray().Select(c => c.Id()));
        Assert.Equal([ids[0]], page3.GetProperty("items").EnumerateArray().Select(c => c.Id()));
        Assert.Equal([ids[0]], directions.GetProperty("items").EnumerateArray().Select(c => c.Id()));
        Assert.Equal(1, directions.GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("court=XYZ", "court")]
    [InlineData("court=bfc", "court")]
    [InlineData("status=OPEN", "status")]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("pageSize=101", "pageSize")]
    public async Task list_with_a_bad_query_is_400_naming_the_parameter(string query, string field)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);

        using var response = await app.Admin().GetAsync($"/api/cases?{query}", Ct);

        await response.AssertProblemAsync(400, field);
    }

    [Fact]
    public async Task patch_applies_a_merge_patch_where_null_clears_an_optional_field()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        using var create = await app.Admin().PostAsJsonAsync("/api/cases",
            new { courtCode = "BFC", applicantName = "Alex", applicantEmail = "alex@example.org", childName = "Sam" }, Ct);
        var created = await create.JsonAsync();

        using var response = await app.Caseworker().PatchJsonAsync($"/api/cases/{created.Id()}",
            """{"applicantName": "Alex Morgan", "applicantEmail": null, "childDateOfBirth": "2019-05-06"}""", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.ETag());
        var patched = await response.JsonAsync();
        Assert.Equal("Alex Morgan", patched.GetProperty("applicantName").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("applicantEmail").ValueKind);
        Assert.Equal("Sam", patched.GetProperty("childName").GetString());
        Assert.Equal("2019-05-06", patched.GetProperty("childDateOfBirth").GetString());
        Assert.Equal("caseworker-1", patched.GetProperty("updatedBy").GetString());
    }

    [Fact]
    public async Task patch_takes_the_version_from_the_body_too()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();

        using var response = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Robin", "version": 1}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.JsonAsync()).Version());
    }

    [Fact]
    public async Task version_in_if_match_and_body_that_disagree_is_400_and_missing_is_428()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var before = await app.SnapshotAsync();

        using var both = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Robin", "version": 2}""", ifMatch: "\"1\"");
        using var weak = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Robin"}""", ifMatch: "W/\"1\"");
        using var none = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Robin"}""");

        await both.AssertProblemAsync(400, "version");
        await weak.AssertProblemAsync(400, "If-Match");
        await none.AssertProblemAsync(428, "If-Match");
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Theory]
    [InlineData("""{"status": "CLOSED"}""", "status")]
    [InlineData("""{"courtCode": "MFC"}""", "courtCode")]
    [InlineData("""{"caseNumber": "BFC/2026/00009"}""", "caseNumber")]
    [InlineData("""{"applicantName": null}""", "applicantName")]
    [InlineData("""{"childName": 7}""", "childName")]
    [InlineData("""{"nickname": "x"}""", "nickname")]
    [InlineData("""[1, 2]""", "body")]
    public async Task patch_refuses_members_it_cannot_apply_naming_them(string patch, string field)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var before = await app.SnapshotAsync();

        using var response = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", patch, ifMatch: "\"1\"");

        await response.AssertProblemAsync(400, field);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task status_change_moves_the_case_and_bumps_its_version()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();

        using var response = await app.Caseworker().PostAsJsonAsync($"/api/cases/{created.Id()}/status", new { status = "DIRECTIONS", version = 1 }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("DIRECTIONS", body.GetProperty("status").GetString());
        Assert.Equal(2, body.Version());
        Assert.Equal("\"2\"", response.ETag());
    }

    [Theory]
    [InlineData("""{"status": "OPEN", "version": 1}""", 400, "status")]
    [InlineData("""{"version": 1}""", 400, "status")]
    [InlineData("""{"status": "DIRECTIONS", "version": "1"}""", 400, "version")]
    [InlineData("""{"status": "DIRECTIONS"}""", 428, "version")]
    public async Task status_change_with_bad_input_names_the_field(string body, int status, string field)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var before = await app.SnapshotAsync();

        using var response = await app.Admin().PostRawAsync($"/api/cases/{created.Id()}/status", body);

        await response.AssertProblemAsync(status, field);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Fact]
    public async Task delete_with_if_match_or_query_version_answers_204()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var first = await app.CreateCaseAsync();
        var second = await app.CreateCaseAsync();

        using var byHeader = await app.Caseworker().DeleteAsync($"/api/cases/{first.Id()}", ifMatch: "\"1\"");
        using var byQuery = await app.Caseworker().DeleteAsync($"/api/cases/{second.Id()}?version=1", ifMatch: null);
        using var noVersion = await app.Admin().DeleteAsync($"/api/cases/{(await app.CreateCaseAsync()).Id()}", ifMatch: null);

        Assert.Equal(HttpStatusCode.NoContent, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byQuery.StatusCode);
        await noVersion.AssertProblemAsync(428, "version");
    }

    [Fact]
    public async Task assignments_are_added_listed_with_the_case_and_revoked()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();

        using var add = await app.Caseworker().PostAsJsonAsync($"/api/cases/{created.Id()}/assignments", new { userId = "sw-1", role = "social-worker" }, Ct);
        var assignment = await add.JsonAsync();
        using var duplicate = await app.Caseworker().PostAsJsonAsync($"/api/cases/{created.Id()}/assignments", new { userId = "sw-1", role = "cafcass" }, Ct);
        using var revoke = await app.Caseworker().DeleteAsync($"/api/cases/{created.Id()}/assignments/{assignment.Id()}", ifMatch: null);
        using var revokeAgain = await app.Caseworker().DeleteAsync($"/api/cases/{created.Id()}/assignments/{assignment.Id()}", ifMatch: null);
        var after = await app.Admin().GetFromJsonAsync<JsonElement>($"/api/cases/{created.Id()}", Ct);

        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        Assert.Equal($"/api/cases/{created.Id()}/assignments/{assignment.Id()}", add.Headers.Location?.ToString());
        await duplicate.AssertProblemAsync(409, "userId");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await revokeAgain.AssertProblemAsync(404);
        var shown = Assert.Single(after.GetProperty("assignments").EnumerateArray());
        Assert.Equal("caseworker-1", shown.GetProperty("revokedBy").GetString());
    }

    [Theory]
    [InlineData("""{"userId": "sw-1", "role": "judge"}""", "role")]
    [InlineData("""{"role": "cafcass"}""", "userId")]
    [InlineData("""{"userId": "", "role": "cafcass"}""", "userId")]
    [InlineData("""{"userId": "sw-1", "role": "cafcass", "extra": 1}""", "extra")]
    public async Task assignment_with_bad_input_is_400_naming_the_field(string body, string field)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();

        using var response = await app.Admin().PostRawAsync($"/api/cases/{created.Id()}/assignments", body);

        await response.AssertProblemAsync(400, field);
    }

    [Fact]
    public async Task documents_are_registered_progressed_listed_and_soft_deleted()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        await app.AssignAsync(created.Id(), "sw-1", "social-worker");
        var socialWorker = app.Client("sw-1", ["social-worker"]);
        var sha = new string('a', 64);

        using var add = await socialWorker.PostAsJsonAsync($"/api/cases/{created.Id()}/documents",
            new { fileName = "report.pdf", contentType = "application/pdf", sizeBytes = 1234 }, Ct);
        var document = await add.JsonAsync();
        using var progress = await app.Caseworker().PatchJsonAsync($"/api/cases/{created.Id()}/documents/{document.Id()}",
            $$"""{"uploadStatus": "UPLOADED", "virusScanStatus": "CLEAN", "ocrStatus": "PENDING", "sha256": "{{sha}}", "storageRef": "blob://docs/1"}""");
        var listed = await socialWorker.GetFromJsonAsync<JsonElement>($"/api/cases/{created.Id()}/documents", Ct);
        using var swDelete = await socialWorker.DeleteAsync($"/api/cases/{created.Id()}/documents/{document.Id()}", ifMatch: null);
        using var delete = await app.Caseworker().DeleteAsync($"/api/cases/{created.Id()}/documents/{document.Id()}", ifMatch: null);
        var afterDelete = await socialWorker.GetFromJsonAsync<JsonElement>($"/api/cases/{created.Id()}/documents", Ct);

        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        Assert.Equal("PENDING", document.GetProperty("uploadStatus").GetString());
        Assert.Equal("sw-1", document.GetProperty("uploadedBy").GetString());
        Assert.Equal(HttpStatusCode.OK, progress.StatusCode);
        var shown = Assert.Single(listed.EnumerateArray());
        Assert.Equal("CLEAN", shown.GetProperty("virusScanStatus").GetString());
        Assert.Equal(sha, shown.GetProperty("sha256").GetString());
        await swDelete.AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(afterDelete.EnumerateArray());
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM adoption.documents WHERE deleted_at IS NOT NULL"));
    }

    [Theory]
    [InlineData("""{"contentType": "application/pdf", "sizeBytes": 1}""", "fileName")]
    [InlineData("""{"fileName": "a/b.pdf", "contentType": "application/pdf", "sizeBytes": 1}""", "fileName")]
    [InlineData("""{"fileName": "a.pdf", "contentType": "pdf", "sizeBytes": 1}""", "contentType")]
    [InlineData("""{"fileName": "a.pdf", "contentType": "application/pdf", "sizeBytes": -1}""", "sizeBytes")]
    [InlineData("""{"fileName": "a.pdf", "contentType": "application/pdf", "sizeBytes": "1"}""", "sizeBytes")]
    [InlineData("""{"fileName": "a.pdf", "contentType": "application/pdf", "sizeBytes": 1, "sha256": "ABC"}""", "sha256")]
    public async Task document_with_bad_metadata_is_400_naming_the_field(string body, string field)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var before = await app.SnapshotAsync();

        using var response = await app.Admin().PostRawAsync($"/api/cases/{created.Id()}/documents", body);

        await response.AssertProblemAsync(400, field);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Theory]
    [InlineData("""{"virusScanStatus": "DIRTY"}""", "virusScanStatus")]
    [InlineData("""{"uploadStatus": null}""", "uploadStatus")]
    [InlineData("""{"fileName": "x.pdf"}""", "fileName")]
    public async Task document_progress_with_bad_input_is_400_naming_the_field(string patch, string field)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        using var add = await app.Admin().PostAsJsonAsync($"/api/cases/{created.Id()}/documents",
            new { fileName = "report.pdf", contentType = "application/pdf", sizeBytes = 1 }, Ct);
        var document = await add.JsonAsync();

        using var response = await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}/documents/{document.Id()}", patch);

        await response.AssertProblemAsync(400, field);
    }

    [Fact]
    public async Task audit_lists_every_write_in_order()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        await app.AssignAsync(created.Id(), "sw-1", "social-worker");
        await app.Admin().PatchJsonAsync($"/api/cases/{created.Id()}", """{"childName": "Robin"}""", ifMatch: "\"1\"");
        await app.Admin().PostAsJsonAsync($"/api/cases/{created.Id()}/status", new { status = "DIRECTIONS", version = 2 }, Ct);

        var audit = await app.Judge().GetFromJsonAsync<JsonElement>($"/api/cases/{created.Id()}/audit", Ct);

        Assert.Equal(["case.created", "assignment.created", "case.updated", "case.status-changed"],
            audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        var update = audit[2];
        Assert.Equal("admin-1", update.GetProperty("actor").GetString());
        Assert.Equal("Robin", update.GetProperty("details").GetProperty("childName").GetProperty("to").GetString());
    }

    [Fact]
    public async Task the_openapi_document_describes_the_api()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);

        var document = await app.App.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/cases", out _));
        Assert.True(paths.TryGetProperty("/api/cases/{id}/status", out _));
        Assert.True(paths.TryGetProperty("/api/cases/{id}/documents/{documentId}", out _));
    }
}
