using Microsoft.AspNetCore.Http;

namespace Ccd.Runtime.Authentication;

/// <summary>Resolves the authenticated user of a request (services call <c>HttpContext.GetCcdUserAsync</c>).</summary>
internal interface ICcdUserResolver
{
    /// <summary>The user of <paramref name="context"/>, resolved once per request.</summary>
    /// <exception cref="Problems.ProblemException">401 when the request carries no verified user token; 503 when the
    /// identity provider's userinfo endpoint is needed for the names and does not answer.</exception>
    ValueTask<CcdUser> ResolveAsync(HttpContext context, CancellationToken cancellationToken);
}
