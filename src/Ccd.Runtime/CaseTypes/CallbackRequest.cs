using System.Text.Json.Nodes;
using Ccd.Runtime.Authentication;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// What CCD sent in a callback (<c>{case_details, case_details_before, event_id, ignore_warning}</c>): the event
/// being filled in and the case as the user is editing it.
/// </summary>
public sealed class CallbackRequest
{
    /// <summary>The event the user is filling in (<c>event_id</c>).</summary>
    public required EventId EventId { get; init; }

    /// <summary>The page of a mid-event callback (the <c>page</c> query parameter); null for about-to-start.</summary>
    public string? PageId { get; init; }

    /// <summary>The case reference (<c>case_details.id</c>); null while a case is being created.</summary>
    public long? Reference { get; init; }

    /// <summary>The jurisdiction (<c>case_details.jurisdiction</c>).</summary>
    public required string Jurisdiction { get; init; }

    /// <summary>The case type (<c>case_details.case_type_id</c>).</summary>
    public required CaseTypeId CaseTypeId { get; init; }

    /// <summary>The case's state (<c>case_details.state</c>); null while a case is being created.</summary>
    public StateId? State { get; init; }

    /// <summary>The case data as the user is editing it (<c>case_details.case_data</c>).</summary>
    public required JsonObject Data { get; init; }

    /// <summary>The case data before the event (<c>case_details_before.case_data</c>), when CCD sent it.</summary>
    public JsonObject? DataBefore { get; init; }

    /// <summary>True when the user has already accepted the warnings of this step.</summary>
    public bool IgnoreWarning { get; init; }

    /// <summary>The authenticated user (roles and courts from the token).</summary>
    public required CcdUser User { get; init; }
}
