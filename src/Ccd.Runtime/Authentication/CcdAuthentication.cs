using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// Names of the runtime's authentication schemes and authorisation policies, helpers to require them, and the
/// authenticated user of a request.
/// </summary>
public static class CcdAuthentication
{
    /// <summary>Requires a verified user token (<c>Authorization: Bearer</c>) <em>and</em> a verified service token
    /// (<c>ServiceAuthorization</c>) from a service in <c>Ccd:Auth:AllowedServices</c>. Used by <c>/ccd-persistence</c>.</summary>
    public const string PersistencePolicy = "ccd-persistence";

    /// <summary>Requires a verified user token only; for a service's own REST API.</summary>
    public const string UserPolicy = "ccd-user";

    /// <summary>The authentication scheme of user tokens (JwtBearer).</summary>
    public const string UserScheme = "ccd-user-token";

    /// <summary>The authentication scheme of service-to-service tokens.</summary>
    public const string ServiceScheme = "ccd-service-token";

    /// <summary>The request header carrying the service-to-service token.</summary>
    public const string ServiceAuthorizationHeader = "ServiceAuthorization";

    /// <summary>Requires <see cref="UserPolicy"/> on <paramref name="builder"/> (an endpoint or a route group).</summary>
    public static TBuilder RequireCcdUser<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(UserPolicy);

    /// <summary>Requires <see cref="PersistencePolicy"/> on <paramref name="builder"/> (an endpoint or a route group).</summary>
    public static TBuilder RequireCcdPersistenceCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PersistencePolicy);

    /// <summary>
    /// The authenticated user of <paramref name="context"/>, resolved once per request, on an endpoint that requires
    /// <see cref="UserPolicy"/> or <see cref="PersistencePolicy"/>.
    /// </summary>
    /// <exception cref="Problems.ProblemException">401 when the request carries no verified user token; 503 when the
    /// identity provider's userinfo endpoint is needed for the names and does not answer.</exception>
    public static ValueTask<CcdUser> GetCcdUserAsync(this HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetRequiredService<ICcdUserResolver>().ResolveAsync(context, cancellationToken);
    }
}
