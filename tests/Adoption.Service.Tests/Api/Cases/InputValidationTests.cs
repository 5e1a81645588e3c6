using Adoption.Service.Tests.Support;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Api.Cases;

/// <summary>Acceptance 10: bad input is a 400 naming the field, and no row anywhere changes.</summary>
public sealed class InputValidationTests(PostgresServer postgres)
{
    public static TheoryData<string, string> BadCreates => new()
    {
        { """{"applicantName": "A", "childName": "C"}""", "courtCode" },
        { """{"courtCode": "BFC", "childName": "C"}""", "applicantName" },
        { """{"courtCode": "BFC", "applicantName": "A"}""", "childName" },
        { """{"courtCode": 12, "applicantName": "A", "childName": "C"}""", "courtCode" },
        { """{"courtCode": "ZZZ", "applicantName": "A", "childName": "C"}""", "courtCode" },
        { """{"courtCode": "bfc", "applicantName": "A", "childName": "C"}""", "courtCode" },
        { """{"courtCode": "BFC", "applicantName": true, "childName": "C"}""", "applicantName" },
        { """{"courtCode": "BFC", "applicantName": "   ", "childName": "C"}""", "applicantName" },
        { $$"""{"courtCode": "BFC", "applicantName": "{{new string('x', 201)}}", "childName": "C"}""", "applicantName" },
        { $$"""{"courtCode": "BFC", "applicantName": "A", "childName": "{{new string('x', 201)}}"}""", "childName" },
        { """{"courtCode": "BFC", "applicantName": "A", "childName": "C", "applicantEmail": "not-an-email"}""", "applicantEmail" },
        { """{"courtCode": "BFC", "applicantName": "A", "childName": "C", "applicantPhone": "call me"}""", "applicantPhone" },
        { """{"courtCode": "BFC", "applicantName": "A", "childName": "C", "childDateOfBirth": "05/03/2020"}""", "childDateOfBirth" },
        { """{"courtCode": "BFC", "applicantName": "A", "childName": "C", "childDateOfBirth": "2099-01-01"}""", "childDateOfBirth" },
        { """{"courtCode": "BFC", "applicantName": "A", "childName": "C", "status": "CLOSED"}""", "status" },
        { """{"courtCode": "BFC", "applicantName": "A", """, "body" },
        { "[]", "body" },
        { "", "body" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task a_bad_create_is_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        await app.CreateCaseAsync();
        var before = await app.SnapshotAsync();

        using var response = await app.Admin().PostRawAsync("/api/cases", body);

        await response.AssertProblemAsync(400, field);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [Theory]
    [InlineData("/api/cases/123/status")]
    [InlineData("/api/cases/3f2b6c1e-8d4a-4f5e-9a7b/assignments")]
    [InlineData("/api/cases/{id}/assignments/xyz")]
    [InlineData("/api/cases/{id}/documents/xyz")]
    public async Task a_malformed_uuid_in_the_path_is_400_naming_it(string path)
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        var created = await app.CreateCaseAsync();
        var url = path.Replace("{id}", created.Id(), StringComparison.Ordinal);
        var field = path.Contains("{id}", StringComparison.Ordinal) ? (path.Contains("documents", StringComparison.Ordinal) ? "documentId" : "assignmentId") : "id";
        var before = await app.SnapshotAsync();

        using var response = url.EndsWith("status", StringComparison.Ordinal) || url.EndsWith("assignments", StringComparison.Ordinal)
            ? await app.Admin().PostRawAsync(url, """{"status": "DIRECTIONS", "version": 1}""")
            : await app.Admin().DeleteAsync(url, ifMatch: null);

        await response.AssertProblemAsync(400, field);
        Assert.Equal(before, await app.SnapshotAsync());
    }
}
