using System.Text.Json.Nodes;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Endpoints;

/// <summary>Maps CCD's about-to-start and mid-event callbacks onto the handlers declared with each event.</summary>
internal static class CallbackEndpoints
{
    /// <summary>The base path of the callbacks.</summary>
    public const string BasePath = "/callbacks";

    /// <summary>
    /// Maps <c>POST /callbacks/about-to-start</c> and <c>POST /callbacks/mid-event?page=&lt;page id&gt;</c>, authenticated like
    /// the persistence API. <c>MapCcdPersistence</c> calls it.
    /// </summary>
    public static RouteGroupBuilder MapCcdCallbacks(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(BasePath)
            .RequireAuthorization(CcdAuthentication.PersistencePolicy)
            .WithTags("ccd-callbacks");
        group.MapPost("/about-to-start", AboutToStartAsync)
            .WithName("AboutToStartCallback")
            .WithSummary("CCD's about-to-start callback: the case data an event starts with.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/mid-event", MidEventAsync)
            .WithName("MidEventCallback")
            .WithSummary("CCD's mid-event callback for one page of an event (the page query parameter).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    private static async Task<Ok<JsonObject>> AboutToStartAsync(HttpContext context, ICcdUserResolver users, CancellationToken cancellationToken) =>
        TypedResults.Ok(await DispatchAsync(context, users, pageId: null, cancellationToken));

    private static async Task<Ok<JsonObject>> MidEventAsync(HttpContext context, string? page, ICcdUserResolver users, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(page))
        {
            throw ProblemException.BadRequest("page", "The mid-event callback needs the page id in the query: /callbacks/mid-event?page=<page id>.");
        }

        return TypedResults.Ok(await DispatchAsync(context, users, page, cancellationToken));
    }

    private static async Task<JsonObject> DispatchAsync(HttpContext context, ICcdUserResolver users, string? pageId, CancellationToken cancellationToken)
    {
        // Absent when the service declares no case types: every callback then answers an error.
        var catalog = context.RequestServices.GetService<CaseTypeCatalog>();
        var body = await RequestJson.ReadAsync<CallbackRequestBody>(context.Request, CallbackRequestBody.JsonOptions, cancellationToken);
        if (body.CaseDetails is null)
        {
            throw ProblemException.BadRequest("case_details", "A callback request must carry case_details.");
        }

        var user = await users.ResolveAsync(context, cancellationToken);
        var request = new CallbackRequest
        {
            EventId = new EventId(body.EventId ?? ""),
            PageId = pageId,
            Reference = body.CaseDetails.Id,
            Jurisdiction = body.CaseDetails.Jurisdiction ?? "",
            CaseTypeId = new CaseTypeId(body.CaseDetails.CaseTypeId ?? ""),
            State = body.CaseDetails.State is { } state ? new StateId(state) : (StateId?)null,
            Data = body.CaseDetails.CaseData ?? [],
            DataBefore = body.CaseDetailsBefore?.CaseData,
            IgnoreWarning = body.IgnoreWarning,
            User = user,
        };

        // CCD shows a 200 with errors to the user on the page they are on; a 4xx would be an unexplained failure.
        var handlerType = FindHandler(catalog, request, out var problem);
        if (handlerType is null)
        {
            return CallbackJson.Write(request, CallbackResponse.WithErrors(problem!));
        }

        var handler = (ICallbackHandler)ActivatorUtilities.GetServiceOrCreateInstance(context.RequestServices, handlerType);
        var response = await handler.HandleAsync(request, cancellationToken);
        return CallbackJson.Write(request, response);
    }

    private static Type? FindHandler(CaseTypeCatalog? catalog, CallbackRequest request, out string? problem)
    {
        var caseTypeId = request.CaseTypeId.Value;
        if (catalog is null || !catalog.TryGet(caseTypeId, out var caseType))
        {
            problem = $"Case type '{caseTypeId}' is not served here.";
            return null;
        }

        if (!caseType.Events.TryGetValue(request.EventId.Value, out var definition))
        {
            problem = $"Event '{request.EventId}' is not an event of case type {caseTypeId}.";
            return null;
        }

        if (request.PageId is null)
        {
            problem = definition.AboutToStartHandler is null ? $"Event '{request.EventId}' has no about-to-start callback." : null;
            return definition.AboutToStartHandler;
        }

        if (!definition.MidEventHandlers.TryGetValue(request.PageId, out var page))
        {
            problem = $"Event '{request.EventId}' has no mid-event callback for page '{request.PageId}'.";
            return null;
        }

        problem = null;
        return page;
    }
}
