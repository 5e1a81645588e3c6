using Adoption.Service.Access;
using Adoption.Service.CaseWrites;
using Adoption.Service.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Adoption.Service.Api.Audit;

/// <summary><c>GET /api/cases/{id}/audit</c>: the case's append-only audit trail.</summary>
internal static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cases/{id}/audit", Read).WithTags("Audit").WithName("ReadCaseAudit")
            .WithSummary("Every change to the case, in order.").ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    internal static async Task<Ok<IReadOnlyList<AuditEntryView>>> Read(
        Caller caller, NpgsqlDataSource dataSource, string id, CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var trail = await ReadAudit.ExecuteAsync(dataSource, caller, caseId, cancellationToken);
        if (!trail.Visible)
        {
            throw LockedCase.NotFound(caseId);
        }

        return trail.Allowed ? TypedResults.Ok(trail.Entries) : throw CaseCapabilities.Forbidden("read the audit trail");
    }
}
