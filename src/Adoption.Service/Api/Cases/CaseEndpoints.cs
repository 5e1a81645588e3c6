using System.Globalization;
using Adoption.Service.Access;
using Adoption.Service.CaseWrites;
using Adoption.Service.Hearings;
using Adoption.Service.Http;
using Ccd.Runtime.Database;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Adoption.Service.Api.Cases;

/// <summary>The case resource: create, list, read, merge-patch, change status and soft-delete.</summary>
internal static class CaseEndpoints
{
    public static RouteGroupBuilder MapCaseEndpoints(this RouteGroupBuilder api)
    {
        var cases = api.MapGroup("/cases").WithTags("Cases");
        cases.MapPost("/", Create).WithName("CreateCase").WithSummary("Files a new adoption application.")
            .Accepts<CreateCaseRequest>("application/json").ProducesProblem(400).ProducesProblem(403);
        cases.MapGet("/", List).WithName("ListCases").WithSummary("The cases you can see, newest first.").ProducesProblem(400);
        cases.MapGet("/{id}", Get).WithName("GetCase").WithSummary("One case with its assignments.").ProducesProblem(400).ProducesProblem(404);
        cases.MapPatch("/{id}", Patch).WithName("PatchCase").WithSummary("Changes applicant and child details (JSON merge patch).")
            .Accepts<CaseDetailsPatch>("application/merge-patch+json", "application/json")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(428);
        cases.MapPost("/{id}/status", ChangeStatusOf).WithName("ChangeCaseStatus").WithSummary("Moves the case along its lifecycle.")
            .Accepts<StatusChange>("application/json")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422).ProducesProblem(428);
        cases.MapDelete("/{id}", Delete).WithName("DeleteCase").WithSummary("Soft-deletes the case.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(428);
        return api;
    }

    internal static async Task<Created<CaseResponse>> Create(
        HttpContext http, Caller caller, AdoptionWritePath writes, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await RequestJson.ReadObjectAsync(http.Request, cancellationToken);
        var request = CaseRequests.Create(body, DatabaseClock.Now(time));
        // Service-originated case: no reference yet, the event path mints one (SPEC 5); CCD has no pointer to it.
        var created = await writes.RunAsync(
            new AdoptionWrite(A58.Events.SubmitApplication, Reference: null, caller),
            write => CreateCase.ExecuteAsync(write, request),
            cancellationToken);
        Versions.SetETag(http.Response, created.Case.Version);
        return TypedResults.Created($"/api/cases/{created.Case.Id}", CaseResponse.From(created.Case, created.Assignments));
    }

    internal static async Task<Ok<CasePage>> List(
        Caller caller, NpgsqlDataSource dataSource,
        string? court, string? status, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        var query = new CaseListQuery(
            court is null ? null : CaseInput.IsCourtCodeShaped(court) ? court : throw CaseInput.UnknownCourt("court", court),
            status is null ? null : CaseLifecycle.TryParse(status, out var state) ? state : throw UnknownStatus(),
            PositiveInt(page, "page", 1, int.MaxValue / CaseListQuery.MaxPageSize),
            PositiveInt(pageSize, "pageSize", CaseListQuery.DefaultPageSize, CaseListQuery.MaxPageSize));
        return TypedResults.Ok(await ListCases.ExecuteAsync(dataSource, caller, query, cancellationToken));
    }

    internal static async Task<Results<Ok<CaseResponse>, ProblemHttpResult>> Get(
        HttpContext http, Caller caller, NpgsqlDataSource dataSource, string id, CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var found = await GetCase.ExecuteAsync(dataSource, caller, caseId, cancellationToken);
        if (found is null)
        {
            throw LockedCase.NotFound(caseId);
        }

        Versions.SetETag(http.Response, found.Version);
        return TypedResults.Ok(found);
    }

    internal static async Task<Ok<CaseResponse>> Patch(
        HttpContext http, Caller caller, NpgsqlDataSource dataSource, AdoptionWritePath writes, TimeProvider time, string id,
        CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var (patch, version) = CaseRequests.Patch(await RequestJson.ReadObjectAsync(http.Request, cancellationToken), DatabaseClock.Now(time));
        var expected = Versions.Expected(http.Request, version, "version");
        var reference = await CaseLocator.LocateAsync(dataSource, caller, caseId, cancellationToken);
        var updated = await writes.RunAsync(
            new AdoptionWrite(A58.Events.UpdateCaseDetails, reference, caller),
            write => PatchCase.ExecuteAsync(write, caseId, patch, expected),
            cancellationToken);
        Versions.SetETag(http.Response, updated.Version);
        return TypedResults.Ok(CaseResponse.From(updated));
    }

    internal static async Task<Ok<CaseResponse>> ChangeStatusOf(
        HttpContext http, Caller caller, NpgsqlDataSource dataSource, AdoptionWritePath writes, HearingDateRule hearingDates, TimeProvider time,
        string id, CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var body = await RequestJson.ReadObjectAsync(http.Request, cancellationToken);
        RequestJson.AllowOnly(body, "status", "version", HearingDateRule.Field);
        if (!CaseLifecycle.TryParse(RequestJson.RequiredString(body, "status", 16), out var target))
        {
            throw UnknownStatus();
        }

        // Optional here (a hearing may be listed before its day is fixed); when given, the rule of the CCD event applies.
        var hearing = body[HearingDateRule.Field] is { } hearingDate
            ? hearingDates.Check(RequestJson.StringValue(hearingDate, HearingDateRule.Field, 10), DateOnly.FromDateTime(DatabaseClock.Now(time)))
            : null;

        var expected = Versions.Expected(http.Request, RequestJson.Version(body), "version");
        var reference = await CaseLocator.LocateAsync(dataSource, caller, caseId, cancellationToken);
        // APPLICATION is never a target, so no event moves a case into it; the write refuses it with a 422 before recording anything.
        var eventId = CaseLifecycle.EventInto(target) ?? A58.Events.UpdateCaseDetails;
        var updated = await writes.RunAsync(
            new AdoptionWrite(eventId, reference, caller),
            write => ChangeStatus.ExecuteAsync(write, caseId, target, expected, hearing),
            cancellationToken);
        Versions.SetETag(http.Response, updated.Version);
        return TypedResults.Ok(CaseResponse.From(updated));
    }

    internal static async Task<NoContent> Delete(
        HttpContext http, Caller caller, NpgsqlDataSource dataSource, AdoptionWritePath writes, string id, string? version,
        CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        int? fromQuery = version is null ? null : PositiveInt(version, "version", 1, int.MaxValue);
        var expected = Versions.Expected(http.Request, fromQuery, "version");
        var reference = await CaseLocator.LocateAsync(dataSource, caller, caseId, cancellationToken);
        await writes.RunAsync(
            new AdoptionWrite(A58.Events.DeleteCase, reference, caller),
            write => DeleteCase.ExecuteAsync(write, caseId, expected),
            cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemException UnknownStatus() =>
        ProblemException.BadRequest("status", $"'status' must be one of {string.Join(", ", CaseLifecycle.Names)}.");

    private static int PositiveInt(string? value, string name, int fallback, int max)
    {
        if (value is null)
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1 && parsed <= max
            ? parsed
            : throw ProblemException.BadRequest(name, $"'{name}' must be an integer between 1 and {max}.");
    }
}

/// <summary>The merge patch body of <c>PATCH /api/cases/{id}</c> (for the OpenAPI document; every member is optional).</summary>
internal sealed record CaseDetailsPatch(
    string? ApplicantName, string? ApplicantEmail, string? ApplicantPhone, string? ChildName, DateOnly? ChildDateOfBirth, int? Version);

/// <summary>The body of <c>POST /api/cases/{id}/status</c>.</summary>
internal sealed record StatusChange(string Status, int? Version, DateOnly? HearingDate);
