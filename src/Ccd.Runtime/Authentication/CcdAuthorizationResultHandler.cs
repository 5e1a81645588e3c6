using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// Answers a refused request of the runtime's policies with a problem body that says which header is at fault:
/// 401 for a missing or invalid user or service token, 403 for a valid service that is not on the allow-list,
/// 503 when the identity provider's metadata could not be fetched.
/// Other policies keep the framework's behaviour.
/// </summary>
internal sealed class CcdAuthorizationResultHandler(
    IProblemDetailsService problemDetails,
    CcdAuthSettings settings,
    IOptionsMonitor<JwtBearerOptions> jwtOptions) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    // Not async: an allowed request (nearly every one) goes straight on to the endpoint.
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        authorizeResult.Succeeded || !policy.Requirements.OfType<CallerRequirement>().Any()
            ? _default.HandleAsync(next, context, policy, authorizeResult)
            : RefuseAsync(context, authorizeResult);

    private async Task RefuseAsync(HttpContext context, PolicyAuthorizationResult authorizeResult)
    {
        var failure = authorizeResult.AuthorizationFailure?.FailureReasons.OfType<CallerFailureReason>().FirstOrDefault()?.Failure
            ?? CallerFailure.NoUser; // a challenge: neither scheme authenticated, and the user token is checked first
        var problem = failure switch
        {
            CallerFailure.NoUser => await Unauthenticated(context, CcdAuthentication.UserScheme, "Authorization", "user token"),
            CallerFailure.NoService => await Unauthenticated(context, CcdAuthentication.ServiceScheme, CcdAuthentication.ServiceAuthorizationHeader, "service token"),
            _ => new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Type = ProblemTypes.Uri("forbidden"),
                Title = "The calling service is not allowed.",
                Detail = $"The service named by the {CcdAuthentication.ServiceAuthorizationHeader} token is not allowed to call this endpoint (Ccd:Auth:AllowedServices).",
            },
        };

        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        context.Response.StatusCode = problem.Status ?? StatusCodes.Status401Unauthorized;
        await problemDetails.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private async Task<ProblemDetails> Unauthenticated(HttpContext context, string scheme, string header, string what)
    {
        // Already authenticated by the policy evaluator in this request; the handler answers from its cached result.
        // (A provider outage never gets here: its ProblemException propagates to the exception handler as a 503.)
        var result = await context.AuthenticateAsync(scheme);
        if (result.Failure is not null && scheme == CcdAuthentication.UserScheme && !settings.UsesSigningKey)
        {
            // The token may be fine and the provider down: 401 would tell CCD the user is not signed in, while a
            // 503 (through the exception handler, with Retry-After) says to retry.
            await ProviderOutage.ThrowIfMetadataUnavailableAsync(jwtOptions.Get(CcdAuthentication.UserTokenVerificationScheme), context.RequestAborted);
        }


        var detail = result.Failure switch
        {
            null when context.Request.Headers[header].Count == 0 => $"The {header} header is missing; send the {what} as '{header}: Bearer <token>'.",
            null => $"The {header} header carries no {what}; send it as '{header}: Bearer <token>'.",
            AuthenticationFailureException own => own.Message, // the handler's own sentence (empty header, two different tokens, unknown token)
            var tokenFailure => TokenFailures.Describe(tokenFailure, what),
        };
        return new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Type = ProblemTypes.Uri("unauthenticated"),
            Title = "Authentication is required.",
            Detail = detail,
        };
    }
}
