using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// The requirement behind both policies: a verified user, and (for <see cref="CcdAuthentication.PersistencePolicy"/>)
/// a verified service from the allow-list. Each identity is found by the scheme that produced it, because the
/// policy evaluator merges both schemes into one principal that counts as authenticated if either succeeded.
/// </summary>
internal sealed class CallerRequirement(bool requiresService) : IAuthorizationRequirement
{
    public bool RequiresService { get; } = requiresService;
}

/// <summary>Why a <see cref="CallerRequirement"/> failed, for <see cref="CcdAuthorizationResultHandler"/> to answer.</summary>
internal enum CallerFailure
{
    NoUser,
    NoService,
    ServiceNotAllowed,
}

internal sealed class CallerFailureReason(IAuthorizationHandler handler, CallerFailure failure, string message)
    : AuthorizationFailureReason(handler, message)
{
    public CallerFailure Failure { get; } = failure;
}

internal sealed class CallerRequirementHandler(CcdAuthSettings settings) : AuthorizationHandler<CallerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallerRequirement requirement)
    {
        if (Identity(context.User, CcdAuthentication.UserScheme) is null)
        {
            context.Fail(new CallerFailureReason(this, CallerFailure.NoUser, "No verified user token."));
            return Task.CompletedTask;
        }

        if (requirement.RequiresService)
        {
            var service = Identity(context.User, CcdAuthentication.ServiceScheme)?.Name;
            if (service is null)
            {
                context.Fail(new CallerFailureReason(this, CallerFailure.NoService, "No verified service token."));
                return Task.CompletedTask;
            }

            if (!settings.AllowedServices.Contains(service))
            {
                context.Fail(new CallerFailureReason(this, CallerFailure.ServiceNotAllowed, $"Service '{service}' is not allowed."));
                return Task.CompletedTask;
            }
        }

        context.Succeed(requirement);
        return Task.CompletedTask;
    }

    public static ClaimsIdentity? Identity(ClaimsPrincipal principal, string scheme)
    {
        foreach (var identity in principal.Identities)
        {
            if (identity.IsAuthenticated && identity.AuthenticationType == scheme)
            {
                return identity;
            }
        }

        return null;
    }
}
