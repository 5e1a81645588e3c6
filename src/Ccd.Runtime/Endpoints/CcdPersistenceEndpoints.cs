using Ccd.Runtime.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ccd.Runtime.Endpoints;

/// <summary>Maps the persistence API that CCD's data store calls (services call <c>MapCcdPersistence</c>).</summary>
internal static class CcdPersistenceEndpoints
{
    /// <summary>The base path of the API.</summary>
    public const string BasePath = "/ccd-persistence";

    /// <summary>
    /// Maps the five endpoints of <c>/ccd-persistence</c> (submit, read cases, history, one history event,
    /// supplementary data) and CCD's callbacks (<see cref="CallbackEndpoints.MapCcdCallbacks"/>), each requiring a verified user token and an allowed service token.
    /// </summary>
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(BasePath)
            .RequireAuthorization(CcdAuthentication.PersistencePolicy)
            .WithTags("ccd-persistence");
        SubmissionEndpoints.Map(group);
        ReadingEndpoints.Map(group);
        HistoryEndpoints.Map(group);
        SupplementaryDataEndpoints.Map(group);
        endpoints.MapCcdCallbacks();
        return group;
    }
}
