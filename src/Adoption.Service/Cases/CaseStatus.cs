using Adoption.Service.CaseType;

namespace Adoption.Service.Cases;

/// <summary>The lifecycle of SPEC 5: APPLICATION → DIRECTIONS → HEARING → ORDER_MADE → CLOSED, and WITHDRAWN from the first three.</summary>
internal static class CaseStatus
{
    public const string Application = "APPLICATION";
    public const string Directions = "DIRECTIONS";
    public const string Hearing = "HEARING";
    public const string OrderMade = "ORDER_MADE";
    public const string Closed = "CLOSED";
    public const string Withdrawn = "WITHDRAWN";

    public static readonly IReadOnlyList<string> All = [Application, Directions, Hearing, OrderMade, Closed, Withdrawn];

    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        [Application] = [Directions, Withdrawn],
        [Directions] = [Hearing, Withdrawn],
        [Hearing] = [OrderMade, Withdrawn],
        [OrderMade] = [Closed],
        [Closed] = [],
        [Withdrawn] = [],
    };

    public static IReadOnlyList<string> AllowedTargets(string from) => Allowed.TryGetValue(from, out var targets) ? targets : [];

    public static bool IsAllowed(string from, string to) => AllowedTargets(from).Contains(to, StringComparer.Ordinal);

    /// <summary>The A58 event that moves a case into <paramref name="target"/> (none for APPLICATION, which only a create reaches).</summary>
    public static string? EventInto(string target) => target switch
    {
        Directions => A58.Events.IssueDirections,
        Hearing => A58.Events.ListHearing,
        OrderMade => A58.Events.MakeOrder,
        Closed => A58.Events.CloseCase,
        Withdrawn => A58.Events.Withdraw,
        _ => null,
    };

    /// <summary>A human label, used as the A58 state name.</summary>
    public static string Label(string status) => status switch
    {
        Application => "Application",
        Directions => "Directions",
        Hearing => "Hearing",
        OrderMade => "Order made",
        Closed => "Closed",
        Withdrawn => "Withdrawn",
        _ => status,
    };
}
