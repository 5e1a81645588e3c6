using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Store;
using Ccd.Runtime.Wire;

namespace Ccd.Runtime.Writing;

/// <summary>A submit whose body passed every check that needs no stored data.</summary>
internal sealed record ValidSubmit(
    SubmitRequest Raw,
    CaseTypeDefinition CaseType,
    EventDefinition Event,
    long Reference,
    bool IsCreate,
    string ProposedState,
    CaseSecurityClassification Classification,
    JsonObject Proposed,
    CcdEventDetails Details,
    string Fingerprint);

/// <summary>The checks of a submit: its body (before any lock) and its fit with the stored case (under the lock).</summary>
internal static class SubmitValidation
{
    /// <summary>On create the reference must be new (a replay was already ruled out); on update the case must exist and match.</summary>
    public static void CheckAgainstStored(ValidSubmit request, StoredCase? existing)
    {
        if (request.IsCreate)
        {
            if (existing is not null)
            {
                throw ProblemException.Conflict($"Case {request.Reference} already exists; it was created by another request.");
            }

            return;
        }

        if (existing is null || existing.Removed)
        {
            throw ProblemException.NotFound($"Case {request.Reference} does not exist.");
        }

        if (!string.Equals(existing.CaseTypeId, request.CaseType.Id, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest("event_details.case_type", $"Case {request.Reference} is of case type {existing.CaseTypeId}, not {request.CaseType.Id}.");
        }

        if (existing.InternalId is { } stored && request.Raw.InternalCaseId is { } given && stored != given)
        {
            throw ProblemException.BadRequest("internal_case_id", $"internal_case_id {given} differs from the stored internal id of case {request.Reference}.");
        }
    }

    public static ValidSubmit Validate(SubmitRequest request, CaseTypeCatalog catalog)
    {
        var details = request.CaseDetails ?? throw ProblemException.BadRequest("case_details", "case_details is required.");
        var eventDetails = request.EventDetails ?? throw ProblemException.BadRequest("event_details", "event_details is required.");
        var reference = CaseReference.Require(details.Id, "case_details.id");
        var caseTypeId = eventDetails.CaseType ?? details.CaseTypeId
            ?? throw ProblemException.BadRequest("event_details.case_type", "event_details.case_type is required.");
        if (!catalog.TryGet(caseTypeId, out var caseType))
        {
            throw ProblemException.BadRequest("event_details.case_type", $"Case type '{caseTypeId}' is not served here.");
        }

        if (details.CaseTypeId is not null && !string.Equals(details.CaseTypeId, caseTypeId, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest("case_details.case_type_id", $"case_details.case_type_id '{details.CaseTypeId}' differs from event_details.case_type '{caseTypeId}'.");
        }

        if (details.Jurisdiction is not null && !string.Equals(details.Jurisdiction, caseType.Jurisdiction, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest("case_details.jurisdiction", $"Case type {caseTypeId} belongs to jurisdiction {caseType.Jurisdiction}, not '{details.Jurisdiction}'.");
        }

        if (eventDetails.EventId is null || !caseType.Events.TryGetValue(eventDetails.EventId, out var definition))
        {
            throw ProblemException.BadRequest("event_details.event_id", $"Event '{eventDetails.EventId}' is not an event of case type {caseTypeId}.");
        }

        if (details.State is null || !caseType.IsKnownState(details.State))
        {
            throw ProblemException.BadRequest("case_details.state", $"'{details.State}' is not a state of case type {caseTypeId}.");
        }

        if (!ClassificationText.TryParse(details.SecurityClassification, out var classification))
        {
            throw ProblemException.BadRequest("case_details.security_classification", "case_details.security_classification must be PUBLIC, PRIVATE or RESTRICTED.");
        }

        // The history columns' sizes (CCD's own limits); longer text is the caller's error, not a database failure.
        CheckLength(details.State, 255, "case_details.state");
        CheckLength(eventDetails.Summary, 1024, "event_details.summary");
        CheckLength(eventDetails.Description, 65536, "event_details.description");
        CheckLength(eventDetails.ProxiedBy, 64, "event_details.proxied_by");
        CheckLength(eventDetails.ProxiedByFirstName, 255, "event_details.proxied_by_first_name");
        CheckLength(eventDetails.ProxiedByLastName, 255, "event_details.proxied_by_last_name");

        var isCreate = request.CaseDetailsBefore is null;
        if (!isCreate && details.Version is null)
        {
            throw ProblemException.BadRequest("case_details.version", "case_details.version is required on an update.");
        }

        if (request.CaseDetailsBefore?.Id is { } beforeId && beforeId != reference)
        {
            throw ProblemException.BadRequest("case_details_before.id", "case_details_before.id differs from case_details.id.");
        }

        if (request.InternalCaseId is <= 0)
        {
            throw ProblemException.BadRequest("internal_case_id", $"internal_case_id must be a positive number (CCD's case ids are); it is {request.InternalCaseId}.");
        }

        var eventDetailsOut = new CcdEventDetails(caseTypeId, definition.Id, eventDetails.EventName ?? definition.Name, eventDetails.Summary, eventDetails.Description);
        return new ValidSubmit(request, caseType, definition, reference, isCreate, details.State, classification, details.CaseData ?? [],
            eventDetailsOut, Fingerprint(reference, caseTypeId, definition.Id));
    }

    private static void CheckLength(string? value, int max, string field)
    {
        // PostgreSQL counts characters (code points), so an emoji counts once although it is two UTF-16 units.
        if (value is not null && value.Length > max && value.EnumerateRunes().Count() is var length && length > max)
        {
            throw ProblemException.BadRequest(field, $"{field} must be at most {max} characters; it has {length}.");
        }
    }

    /// <summary>What a key is bound to: the case, case type and event (SPEC 2.4 step 2). CCD re-sends the same request
    /// on a retry, so a key reused for any of these is a different request.</summary>
    private static string Fingerprint(long reference, string caseType, string eventId)
    {
        var text = $"{reference}\n{caseType}\n{eventId}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
