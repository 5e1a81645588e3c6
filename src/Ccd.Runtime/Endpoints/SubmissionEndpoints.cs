using Ccd.Runtime.Authentication;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Writing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ccd.Runtime.Endpoints;

/// <summary><c>POST /ccd-persistence/cases</c>: submit an event (SPEC 2.2 #1).</summary>
internal static class SubmissionEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/cases", SubmitAsync)
            .WithName("SubmitEvent")
            .WithSummary("Submit an event: create a case or update one, in one transaction.")
            .Accepts<object>("application/json")
            .Produces(StatusCodes.Status201Created, contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> SubmitAsync(HttpContext context, CcdSubmission submission, ICcdUserResolver users, CancellationToken cancellationToken)
    {
        var key = ReadKey(context.Request);
        var request = await RequestJson.ReadAsync<SubmitRequest>(context.Request, SubmitRequest.JsonOptions, cancellationToken);
        var user = await users.ResolveAsync(context, cancellationToken);
        var answer = await submission.SubmitAsync(request, key, user, context.RequestServices, cancellationToken);
        return new RawJsonResult(answer.Status, answer.Body);
    }

    private static Guid ReadKey(HttpRequest request)
    {
        var values = request.Headers[IdempotencyKeyHeader];
        if (values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
        {
            throw ProblemException.BadRequest(IdempotencyKeyHeader, "The Idempotency-Key header is required on a submit.");
        }

        if (values.Distinct(StringComparer.Ordinal).Count() > 1 || !Guid.TryParse(values[0], out var key))
        {
            throw ProblemException.BadRequest(IdempotencyKeyHeader, $"The Idempotency-Key header must be one UUID; '{values}' is not.");
        }

        return key;
    }
}
