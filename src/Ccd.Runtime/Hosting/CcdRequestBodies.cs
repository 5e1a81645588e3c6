using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Http;

namespace Ccd.Runtime.Hosting;

/// <summary>The runtime's strict reading of request bodies, for the service's own API.</summary>
public static partial class CcdRuntimeExtensions
{
    /// <summary>
    /// Buffers the request body (bounded by <c>Ccd:MaxRequestBodyBytes</c>) and checks it before anything parses it,
    /// as the persistence API does: a key twice in one object, invalid UTF-8, a lone surrogate, U+0000 or nesting
    /// deeper than 64 levels is a 400 <see cref="ProblemException"/> naming the body's top-level member at fault.
    /// Parse the bytes it answers, so that the check and the parse read the same body.
    /// </summary>
    /// <param name="request">The request whose body is read.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The body's bytes, checked.</returns>
    public static Task<ReadOnlyMemory<byte>> ReadStrictJsonAsync(this HttpRequest request, CancellationToken cancellationToken) =>
        StrictJson.ReadBodyAsync(request, nameMember: true, cancellationToken);
}
