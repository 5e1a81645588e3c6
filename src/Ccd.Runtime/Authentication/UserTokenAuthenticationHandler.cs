using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// The <see cref="CcdAuthentication.UserScheme"/> scheme. A user token that JwtBearer verified before and that is
/// still in <see cref="VerifiedTokenCache"/> (not past its expiry nor the cache time) is answered from there, with
/// its own copy of the identity, without JwtBearer's per-request work (its options clone, contexts, events and
/// properties). Everything else (no header, another scheme, a token never seen, refused before, or no longer
/// cached) is authenticated by JwtBearer under <see cref="CcdAuthentication.UserTokenVerificationScheme"/>, whose
/// answer this scheme passes on, so every refusal is the framework's own and only successes are ever reused.
/// </summary>
internal sealed class UserTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    VerifiedTokenCache cache) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Challenges and forbids are JwtBearer's (its <c>WWW-Authenticate</c> answer).</summary>
    public static void Configure(AuthenticationSchemeOptions options)
    {
        options.ForwardChallenge = CcdAuthentication.UserTokenVerificationScheme;
        options.ForwardForbid = CcdAuthentication.UserTokenVerificationScheme;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken(Request.Headers.Authorization) is { Length: > 0 } token
            && CachedUserTokenHandler.KnownIdentity(cache, token) is { } identity)
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }

        return VerifyAsync();
    }

    private async Task<AuthenticateResult> VerifyAsync()
    {
        var verified = await Context.AuthenticateAsync(CcdAuthentication.UserTokenVerificationScheme);
        if (verified.Succeeded)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(verified.Principal, verified.Properties, Scheme.Name));
        }

        return verified.Failure is { } failure ? AuthenticateResult.Fail(failure, verified.Properties) : AuthenticateResult.NoResult();
    }

    /// <summary>
    /// The token JwtBearer would read from one <c>Authorization</c> header: after <c>Bearer </c> in any letter case,
    /// trimmed; empty for anything else (which is then JwtBearer's to answer).
    /// </summary>
    internal static ReadOnlySpan<char> BearerToken(StringValues header)
    {
        const string Prefix = "Bearer ";
        return header.Count == 1 && header[0] is { } value && value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            ? value.AsSpan(Prefix.Length).Trim()
            : [];
    }
}
