using Adoption.Service.Access;
using Adoption.Service.CaseWrites;
using Adoption.Service.Http;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Adoption.Service.Api.Assignments;

/// <summary>Who is assigned to a case: social workers, adopters and Cafcass officers see the cases they are assigned to.</summary>
internal static class AssignmentEndpoints
{
    public static RouteGroupBuilder MapAssignmentEndpoints(this RouteGroupBuilder api)
    {
        var assignments = api.MapGroup("/cases/{id}/assignments").WithTags("Assignments");
        assignments.MapPost("/", Assign).WithName("AssignUser").WithSummary("Assigns a user to the case in a role.")
            .Accepts<AssignmentRequest>("application/json")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        assignments.MapDelete("/{assignmentId}", Revoke).WithName("RevokeAssignment").WithSummary("Revokes an active assignment.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    internal static async Task<Created<AssignmentView>> Assign(
        HttpContext http, Caller caller, NpgsqlDataSource dataSource, AdoptionWritePath writes, string id, CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var body = await RequestJson.ReadObjectAsync(http.Request, cancellationToken);
        RequestJson.AllowOnly(body, "userId", "role");
        var userId = RequestJson.RequiredString(body, "userId", Caller.MaxUserIdLength);
        var role = RequestJson.RequiredString(body, "role", 16);
        if (!AdoptionRoles.Assignable.Contains(role, StringComparer.Ordinal))
        {
            throw ProblemException.BadRequest("role", $"'role' must be one of {string.Join(", ", AdoptionRoles.Assignable)}.");
        }

        var reference = await CaseLocator.LocateAsync(dataSource, caller, caseId, cancellationToken);
        var assignment = await writes.RunAsync(
            new AdoptionWrite(A58.Events.AssignUser, reference, caller),
            write => AssignmentWrites.AssignAsync(write, caseId, userId, role),
            cancellationToken);
        return TypedResults.Created($"/api/cases/{caseId}/assignments/{assignment.Id}", assignment);
    }

    internal static async Task<NoContent> Revoke(
        Caller caller, NpgsqlDataSource dataSource, AdoptionWritePath writes, string id, string assignmentId, CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var assignment = RequestJson.ParseId(assignmentId, "assignmentId");
        var reference = await CaseLocator.LocateAsync(dataSource, caller, caseId, cancellationToken);
        await writes.RunAsync(
            new AdoptionWrite(A58.Events.RevokeAssignment, reference, caller),
            write => AssignmentWrites.RevokeAsync(write, caseId, assignment),
            cancellationToken);
        return TypedResults.NoContent();
    }
}

/// <summary>The body of <c>POST /api/cases/{id}/assignments</c>.</summary>
internal sealed record AssignmentRequest(string UserId, string Role);
