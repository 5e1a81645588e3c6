using Adoption.Service.Access;
using Ccd.Runtime.CaseTypes;

namespace Adoption.Service.CaseWrites;

/// <summary>
/// The one write path of the service's REST API: every change runs as an A58 event through the runtime's event
/// submitter, the same transaction path as a CCD submit (case lock, the body's writes to the adoption tables and
/// its audit rows, the case view's rendering, version and revision, history, search queue, outbox). An exception
/// from the body rolls all of it back.
/// </summary>
internal sealed class AdoptionWritePath(ICcdEventSubmitter submitter)
{
    public async Task<T> RunAsync<T>(AdoptionWrite write, Func<AdoptionWriteContext, Task<T>> body, CancellationToken cancellationToken)
    {
        var request = new ServiceEventRequest(A58.CaseTypeId, write.EventId, write.Reference) { Actor = write.Caller.User };
        var (outcome, result) = await submitter.SubmitAsync(request, async (context, token) =>
        {
            var adoption = new AdoptionWriteContext(context, write.Caller, token);
            var value = await adoption.RunAsync(body);
            var state = adoption.NewState is { } newState ? StateId.Of(newState) : (StateId?)null;
            return (new ServiceEventOutcome { State = state, RemoveCase = adoption.RemoveCase, Unchanged = adoption.Unchanged }, value);
        }, cancellationToken);

        // The body refuses by throwing a problem, never with errors, so a refused outcome is a broken invariant.
        return outcome.Committed
            ? result!
            : throw new InvalidOperationException($"The {write.EventId} event was refused: {string.Join("; ", outcome.Errors.Concat(outcome.Warnings))}");
    }

    /// <summary>A write whose body returns nothing (a removal or a delete).</summary>
    public Task RunAsync(AdoptionWrite write, Func<AdoptionWriteContext, Task> body, CancellationToken cancellationToken) =>
        RunAsync(write, async context =>
        {
            await body(context);
            return true;
        }, cancellationToken);
}

/// <summary>What a write is: its A58 event, the case's CCD reference (null for a new case, which the runtime mints), and who asks.</summary>
internal sealed record AdoptionWrite(string EventId, long? Reference, Caller Caller);
