using Ccd.Runtime.Authentication;

namespace Ccd.Runtime.Writing;

/// <summary>A person as recorded in history: id and names.</summary>
internal sealed record HistoryUser(string Id, string FirstName, string LastName)
{
    /// <summary>
    /// Who the history names, as CCD does for a proxied submit: the on-behalf-of user in <c>user_*</c> and the
    /// authenticated caller in <c>proxied_by*</c>; without one, the caller alone.
    /// </summary>
    public static (HistoryUser User, HistoryUser? ProxiedBy) Of(CcdUser actor, CcdUser? onBehalfOf)
    {
        var caller = new HistoryUser(actor.Id, actor.FirstName, actor.LastName);
        return onBehalfOf is null ? (caller, null) : (new HistoryUser(onBehalfOf.Id, onBehalfOf.FirstName, onBehalfOf.LastName), caller);
    }
}
