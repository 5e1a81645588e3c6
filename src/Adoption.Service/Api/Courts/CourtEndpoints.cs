using Npgsql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Adoption.Service.Api.Courts;

/// <summary><c>GET /api/courts</c>: the family courts cases can be filed in.</summary>
internal static class CourtEndpoints
{
    private const string CourtsSql = "SELECT code, name FROM adoption.courts ORDER BY code";

    public static RouteGroupBuilder MapCourtEndpoints(this RouteGroupBuilder api)
    {
        var courts = api.MapGroup("/courts").WithTags("Courts");
        courts.MapGet("/", ListCourts).WithName("ListCourts").WithSummary("The family courts cases can be filed in.");
        return api;
    }

    internal static async Task<Ok<List<Court>>> ListCourts(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CourtsSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var courts = new List<Court>();
        while (await reader.ReadAsync(cancellationToken))
        {
            courts.Add(new Court(reader.GetString(0), reader.GetString(1)));
        }

        return TypedResults.Ok(courts);
    }
}

/// <summary>A family court.</summary>
internal sealed record Court(string Code, string Name);
