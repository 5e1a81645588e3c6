namespace Ccd.Runtime.Authentication;

/// <summary>
/// Names of the runtime's authentication schemes and authorisation policies (a service reads the policies and the
/// header from <c>CcdRuntimeExtensions</c>).
/// </summary>
internal static class CcdAuthentication
{
    /// <summary>Requires a verified user token (<c>Authorization: Bearer</c>) <em>and</em> a verified service token
    /// (<c>ServiceAuthorization</c>) from a service in <c>Ccd:Auth:AllowedServices</c>. Used by <c>/ccd-persistence</c>.</summary>
    public const string PersistencePolicy = "ccd-persistence";

    /// <summary>Requires a verified user token only; for a service's own REST API.</summary>
    public const string UserPolicy = "ccd-user";

    /// <summary>The authentication scheme of user tokens: answers a token verified before from the cache, and
    /// leaves every other request to <see cref="UserTokenVerificationScheme"/> (<see cref="UserTokenAuthenticationHandler"/>).</summary>
    public const string UserScheme = "ccd-user-token";

    /// <summary>JwtBearer, which verifies (or refuses) the user tokens <see cref="UserScheme"/> does not know yet.</summary>
    public const string UserTokenVerificationScheme = "ccd-user-token-verification";

    /// <summary>The authentication scheme of service-to-service tokens.</summary>
    public const string ServiceScheme = "ccd-service-token";

    /// <summary>The request header carrying the service-to-service token.</summary>
    public const string ServiceAuthorizationHeader = "ServiceAuthorization";
}
