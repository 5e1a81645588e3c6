using System.Text.Json.Nodes;
using Ccd.Runtime.Authentication;

namespace Ccd.Runtime.CaseTypes;

/// <summary>What CCD sent in a callback: <c>{case_details, case_details_before, event_id, ignore_warning}</c>.</summary>
public sealed class CallbackRequest
{
    /// <summary>The event the user is filling in (<c>event_id</c>).</summary>
    public required string EventId { get; init; }

    /// <summary>The page of a mid-event callback (the <c>page</c> query parameter); null for about-to-start.</summary>
    public string? PageId { get; init; }

    /// <summary>The case as the user is editing it (<c>case_details</c>).</summary>
    public required CallbackCase CaseDetails { get; init; }

    /// <summary>The case before the event (<c>case_details_before</c>), when CCD sent it.</summary>
    public CallbackCase? CaseDetailsBefore { get; init; }

    /// <summary>True when the user has already accepted the warnings of this step.</summary>
    public bool IgnoreWarning { get; init; }

    /// <summary>The authenticated user (roles and courts from the token).</summary>
    public required CcdUser User { get; init; }
}

/// <summary>One <c>case_details</c> object of a callback request.</summary>
public sealed class CallbackCase
{
    /// <summary>The case reference (<c>id</c>); null while a case is being created.</summary>
    public long? Reference { get; init; }

    /// <summary>The jurisdiction.</summary>
    public required string Jurisdiction { get; init; }

    /// <summary>The case type id.</summary>
    public required string CaseTypeId { get; init; }

    /// <summary>The state; null while a case is being created.</summary>
    public string? State { get; init; }

    /// <summary>The case data as CCD holds it (<c>case_data</c>).</summary>
    public required JsonObject Data { get; init; }
}
