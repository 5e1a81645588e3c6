namespace Ccd.Runtime.CaseTypes;

/// <summary>What an <see cref="ISubmitHandler{TCase, TState}"/> gets: the typed case before and after the user's edits.</summary>
/// <typeparam name="TCase">The case class.</typeparam>
/// <typeparam name="TState">The state enum.</typeparam>
public sealed class SubmitContext<TCase, TState> : EventContext
    where TCase : class
    where TState : struct, Enum
{
    internal SubmitContext(EventContextCore core, TCase? before, TState? stateBefore, TCase proposed, TState proposedState, TCase? stored)
        : base(core)
    {
        Stored = stored;
        Before = before;
        StateBefore = stateBefore;
        Proposed = proposed;
        ProposedState = proposedState;
    }

    /// <summary>
    /// The case as it is stored now (loaded under the case lock, rendered by the case view); null on create. CCD's
    /// <see cref="Before"/> may be older when another event committed since CCD read the case: build on this one.
    /// </summary>
    public TCase? Stored { get; }

    /// <summary>The case as CCD showed it before the event (<c>case_details_before.case_data</c>); null on create.</summary>
    public TCase? Before { get; }

    /// <summary>The stored state before the event; null on create.</summary>
    public TState? StateBefore { get; }

    /// <summary>
    /// The case with the user's edits (<c>case_details.case_data</c>). For an additive event it is rebased onto the
    /// stored case: only the fields the user changed relative to <see cref="Before"/> differ from <see cref="Stored"/>.
    /// </summary>
    public TCase Proposed { get; }

    /// <summary>The state CCD proposes (the event's post-state); return another in <see cref="SubmitResult{TCase, TState}.State"/> to override it.</summary>
    public TState ProposedState { get; }
}
