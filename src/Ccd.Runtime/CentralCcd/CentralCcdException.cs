using System.Net;

namespace Ccd.Runtime.CentralCcd;

/// <summary>
/// A call back to central CCD (its data store, IdAM or S2S) that failed. The message names the call, the case
/// when there is one, and the status; never a token, a password or case data.
/// </summary>
internal sealed class CentralCcdException(string message, HttpStatusCode? status = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status CCD answered, or null when it could not be reached.</summary>
    public HttpStatusCode? Status { get; } = status;
}
