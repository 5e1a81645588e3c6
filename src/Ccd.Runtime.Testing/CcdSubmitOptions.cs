using System.Text.Json.Nodes;

namespace Ccd.Runtime.Testing;

/// <summary>The parts of a CCD submit a test may set; everything else is filled as CCD's data store fills it.</summary>
public sealed record CcdSubmitOptions
{
    /// <summary>The idempotency key (CCD derives it from the start-event token; a retry re-sends it). Null: a new one.</summary>
    public Guid? IdempotencyKey { get; init; }

    /// <summary>The TTL CCD resolved (<c>yyyy-MM-dd</c>), or null.</summary>
    public string? ResolvedTtl { get; init; }

    /// <summary>CCD's internal id of its pointer row. Null on create: a new one; null on update: none sent.</summary>
    public long? InternalCaseId { get; init; }

    /// <summary>On an update, <c>case_details_before</c> (the case as CCD last read it). Null: built from the update's own values.</summary>
    public JsonObject? Before { get; init; }

    /// <summary>The start-event token's revision and the revision of the case before (<c>start_revision</c>, <c>merge_revision</c>).</summary>
    public int? StartRevision { get; init; }

    /// <summary>The revision of <c>case_details_before</c>.</summary>
    public int? MergeRevision { get; init; }

    /// <summary>CCD's <c>supplementary_data</c> on a create (e.g. <c>new_case</c> flags).</summary>
    public JsonObject? SupplementaryData { get; init; }

    /// <summary>The on-behalf-of user (<c>proxied_by</c>, first and last name), or null.</summary>
    public (string Id, string FirstName, string LastName)? ProxiedBy { get; init; }

    /// <summary>The event's name in <c>event_details</c>. Null: the event id.</summary>
    public string? EventName { get; init; }

    /// <summary>The event's summary and description.</summary>
    public string? Summary { get; init; }

    /// <summary>The event's description.</summary>
    public string? Description { get; init; }
}
