using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.Authentication;

/// <summary>The <see cref="CcdAuthentication.ServiceScheme"/> scheme: authenticates the calling service from the
/// <c>ServiceAuthorization</c> header. Whether that service may call an endpoint is the policy's decision.</summary>
internal sealed class ServiceAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IServiceTokenVerifier verifier) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string ServiceNameClaim = "service_name";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The usual request: one header whose token verified before, from a verified user (whom the policy
        // authenticated first), answered from the verifier's cache without copying the token.
        var header = Request.Headers[CcdAuthentication.ServiceAuthorizationHeader];
        if (!ServiceAuthorizationHeader.Usual(header).IsEmpty)
        {
            var user = Context.AuthenticateAsync(CcdAuthentication.UserScheme);
            if (user.IsCompletedSuccessfully && user.Result.Succeeded && verifier.TryGetKnown(ServiceAuthorizationHeader.Usual(header), out var known))
            {
                return Task.FromResult(Verified(known));
            }
        }

        return ReadAndVerifyAsync(header);
    }

    private async Task<AuthenticateResult> ReadAndVerifyAsync(Microsoft.Extensions.Primitives.StringValues header)
    {
        var (token, failure) = ServiceAuthorizationHeader.Read(header);
        if (failure is not null)
        {
            return AuthenticateResult.Fail(new AuthenticationFailureException(failure));
        }

        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        // Every endpoint that takes a service token also needs a user: without a verified one the request is refused
        // anyway, so the S2S provider is not asked (the user scheme's result is the one computed for this request).
        if (!(await Context.AuthenticateAsync(CcdAuthentication.UserScheme)).Succeeded)
        {
            return AuthenticateResult.NoResult();
        }

        var result = await verifier.VerifyAsync(token, Context.RequestAborted);
        if (result.ServiceName is null)
        {
            return AuthenticateResult.Fail(new AuthenticationFailureException(result.Failure ?? "The service token is not valid."));
        }

        return Verified(result.ServiceName);
    }

    private AuthenticateResult Verified(string serviceName)
    {
        var identity = new ClaimsIdentity([new Claim(ServiceNameClaim, serviceName)], Scheme.Name, ServiceNameClaim, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
