using Ccd.Runtime.Authentication;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Http;

namespace Adoption.Service.Access;

/// <summary>Turns the runtime's authenticated user into the adoption service's <see cref="Caller"/>.</summary>
internal static class Callers
{
    /// <summary>The longest user id the actor columns (<c>created_by</c>, <c>actor</c>, ...) can record.</summary>
    public const int MaxUserIdLength = 64;

    public static async ValueTask<Caller> ResolveAsync(HttpContext http, ICcdUserResolver users, CancellationToken cancellationToken)
    {
        var user = await users.ResolveAsync(http, cancellationToken);
        // Refused before anything runs: a write would fail on its audit row (a 500), and a read would act for an
        // identity this service could never record.
        return user.Id.Length > MaxUserIdLength
            ? throw new ProblemException(401, "unauthenticated", "Authentication is required.",
                $"The token's user id is longer than {MaxUserIdLength} characters, which this service cannot record.")
            : Caller.From(user);
    }
}
