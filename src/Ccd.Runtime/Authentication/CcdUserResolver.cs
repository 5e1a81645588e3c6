using System.Security.Claims;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Ccd.Runtime.Authentication;

/// <summary>Builds the <see cref="CcdUser"/> of a request from its verified user identity, once per request.</summary>
internal sealed class CcdUserResolver(UserInfoClient userInfo) : ICcdUserResolver
{
    private static readonly object ItemKey = new();

    public async ValueTask<CcdUser> ResolveAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out var resolved) && resolved is CcdUser cached)
        {
            return cached;
        }

        var identity = CallerRequirementHandler.Identity(context.User, CcdAuthentication.UserScheme)
            ?? throw Unauthenticated("The request has no verified user token.");
        var id = First(identity, "uid") ?? First(identity, "sub")
            ?? throw Unauthenticated("The user token has neither a uid nor a sub claim.");
        var firstName = First(identity, "given_name");
        var lastName = First(identity, "family_name");
        if (firstName is null && lastName is null && userInfo.IsConfigured)
        {
            (firstName, lastName) = await userInfo.NamesAsync(id, BearerToken(context), cancellationToken);
        }

        var user = new CcdUser(
            Recordable(id, "user id", MaxIdLength), Recordable(firstName ?? string.Empty, "first name", MaxNameLength),
            Recordable(lastName ?? string.Empty, "last name", MaxNameLength), All(identity, "roles"), All(identity, "courts"));
        context.Items[ItemKey] = user;
        return user;
    }

    /// <summary>The widths of <c>case_event.user_id</c> and of the user name columns, in characters.</summary>
    private const int MaxIdLength = 64;

    private const int MaxNameLength = 255;

    /// <summary>
    /// The identity is recorded with every event (and in services' actor columns): a verified token whose user id or
    /// names cannot be stored (too long, or holding U+0000, which PostgreSQL refuses) is refused here, before anything
    /// runs, rather than failing the write as a 500.
    /// </summary>
    private static string Recordable(string value, string what, int maxLength) =>
        value.Contains('\0', StringComparison.Ordinal) || (value.Length > maxLength && value.EnumerateRunes().Count() > maxLength)
            ? throw Unauthenticated($"The token's {what} cannot be recorded: it is longer than {maxLength} characters or holds U+0000.")
            : value;

    private static string? First(ClaimsIdentity identity, string type) =>
        identity.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;

    // JwtBearer gives one claim per element of a JSON array, and repeated claims the same way.
    private static string[] All(ClaimsIdentity identity, string type) =>
        identity.FindAll(type).Select(claim => claim.Value).Where(value => value.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    private static string BearerToken(HttpContext context)
    {
        var header = context.Request.Headers[HeaderNames.Authorization].ToString().Trim();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : header;
    }

    private static ProblemException Unauthenticated(string detail) =>
        new(401, "unauthenticated", "Authentication is required.", detail);
}
