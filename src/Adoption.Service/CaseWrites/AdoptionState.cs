using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace Adoption.Service.CaseWrites;

// The member names are CCD's state ids, the REST API's status values and what adoption.cases.status stores.
#pragma warning disable CA1707
/// <summary>A58's states: the case lifecycle. The display names are CCD's state names and the case summary's labels.</summary>
internal enum AdoptionState
{
    [Display(Name = "Application")]
    APPLICATION,

    [Display(Name = "Directions")]
    DIRECTIONS,

    [Display(Name = "Hearing")]
    HEARING,

    [Display(Name = "Order made")]
    ORDER_MADE,

    [Display(Name = "Closed")]
    CLOSED,

    [Display(Name = "Withdrawn")]
    WITHDRAWN,

    /// <summary>
    /// CCD's retain-and-dispose state (its id is fixed by CCD, hence the casing): the case's record period has ended
    /// and CCD has agreed to dispose of it (<c>MarkForDisposal</c>). Terminal: only <c>ConfirmDisposal</c> runs on it,
    /// and the REST API changes nothing of it.
    /// </summary>
    [Display(Name = "Pending disposal")]
    PendingDisposal,
}
#pragma warning restore CA1707

/// <summary>
/// The lifecycle of SPEC 5: APPLICATION → DIRECTIONS → HEARING → ORDER_MADE → CLOSED, and WITHDRAWN from the first
/// three. PendingDisposal is reached from any other state only through CCD's <c>MarkForDisposal</c> (retention),
/// never by a status change.
/// </summary>
internal static class CaseLifecycle
{
    /// <summary>The states' names, in lifecycle order.</summary>
    public static readonly IReadOnlyList<string> Names = Enum.GetNames<AdoptionState>();

    private static readonly Dictionary<AdoptionState, AdoptionState[]> Allowed = new()
    {
        [AdoptionState.APPLICATION] = [AdoptionState.DIRECTIONS, AdoptionState.WITHDRAWN],
        [AdoptionState.DIRECTIONS] = [AdoptionState.HEARING, AdoptionState.WITHDRAWN],
        [AdoptionState.HEARING] = [AdoptionState.ORDER_MADE, AdoptionState.WITHDRAWN],
        [AdoptionState.ORDER_MADE] = [AdoptionState.CLOSED],
        [AdoptionState.CLOSED] = [],
        [AdoptionState.WITHDRAWN] = [],
        [AdoptionState.PendingDisposal] = [],
    };

    /// <summary>The state named exactly <paramref name="name"/> (no numbers, no other casing), if any.</summary>
    public static bool TryParse(string name, out AdoptionState state)
    {
        state = default;
        return Names.Contains(name, StringComparer.Ordinal) && Enum.TryParse(name, out state);
    }

    /// <summary>A state as <c>adoption.cases.status</c> stores it (its check constraint allows only these names).</summary>
    public static AdoptionState Parse(string stored) =>
        TryParse(stored, out var state) ? state : throw new InvalidOperationException($"'{stored}' is not an A58 state.");

    public static IReadOnlyList<AdoptionState> AllowedTargets(AdoptionState from) => Allowed[from];

    public static bool IsAllowed(AdoptionState from, AdoptionState to) => Allowed[from].Contains(to);

    /// <summary>The A58 event that moves a case into <paramref name="target"/> (none for APPLICATION, which only a create reaches).</summary>
    public static string? EventInto(AdoptionState target) => target switch
    {
        AdoptionState.DIRECTIONS => A58.Events.IssueDirections,
        AdoptionState.HEARING => A58.Events.ListHearing,
        AdoptionState.ORDER_MADE => A58.Events.MakeOrder,
        AdoptionState.CLOSED => A58.Events.CloseCase,
        AdoptionState.WITHDRAWN => A58.Events.Withdraw,
        _ => null,
    };

    /// <summary>The state's human name (its display name, which CCD shows too).</summary>
    public static string Label(AdoptionState state) =>
        typeof(AdoptionState).GetField(state.ToString())!.GetCustomAttribute<DisplayAttribute>()!.GetName()!;
}
