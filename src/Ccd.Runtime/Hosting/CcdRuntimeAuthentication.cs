using Ccd.Runtime.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Hosting;

/// <summary>The runtime's authentication as a service's endpoints use it: the policies to require and the caller.</summary>
public static partial class CcdRuntimeExtensions
{
    /// <summary>Requires a verified user token (<c>Authorization: Bearer</c>) <em>and</em> a verified service token
    /// (<c>ServiceAuthorization</c>) from a service in <c>Ccd:Auth:AllowedServices</c>. Used by <c>/ccd-persistence</c>.</summary>
    public const string PersistencePolicy = CcdAuthentication.PersistencePolicy;

    /// <summary>Requires a verified user token only; for a service's own REST API.</summary>
    public const string UserPolicy = CcdAuthentication.UserPolicy;

    /// <summary>The request header carrying the service-to-service token.</summary>
    public const string ServiceAuthorizationHeader = CcdAuthentication.ServiceAuthorizationHeader;

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

    /// <summary>The environment the runtime runs in (<c>APP_ENV</c>), for what a service shows only outside production.</summary>
    public static Configuration.AppEnvironment GetAppEnvironment(this IServiceProvider services) =>
        services.GetRequiredService<Configuration.CcdEnvironment>().Name;
}
