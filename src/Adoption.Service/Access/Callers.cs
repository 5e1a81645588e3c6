using Ccd.Runtime.Authentication;
using Microsoft.AspNetCore.Http;

namespace Adoption.Service.Access;

/// <summary>Turns the runtime's authenticated user into the adoption service's <see cref="Caller"/>.</summary>
internal static class Callers
{
    public static async ValueTask<Caller> ResolveAsync(HttpContext http, ICcdUserResolver users, CancellationToken cancellationToken) =>
        Caller.From(await users.ResolveAsync(http, cancellationToken));
}
