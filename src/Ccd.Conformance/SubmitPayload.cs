using System.Globalization;
using System.Text.Json.Nodes;

namespace Ccd.Conformance;

/// <summary>Builds the submit body CCD's data store sends (<c>DecentralisedCaseEvent</c>), for a create or an update.</summary>
internal static class SubmitPayload
{
    private static long _internalId = Random.Shared.NextInt64(1_000_000, 1_000_000_000);

    /// <summary>A create: no case before, no revisions, a new reference, created now, with CCD's internal pointer id.</summary>
    public static JsonObject Create(CaseTypeSpec caseType, long reference, EventSpec spec, DateTime now) => new()
    {
        ["case_details_before"] = null,
        ["case_details"] = Details(caseType, reference, spec.PostState, null, spec.Data.DeepClone().AsObject(), new JsonObject(), now, now),
        ["event_details"] = Event(caseType, spec),
        ["resolved_ttl"] = null,
        ["internal_case_id"] = Interlocked.Increment(ref _internalId),
        ["start_revision"] = null,
        ["merge_revision"] = null,
    };

    /// <summary>
    /// An update after the user started the event at <paramref name="startVersion"/>/<paramref name="startRevision"/>:
    /// <c>case_details_before</c> is the case as last read, <c>case_details.version</c> the version at the start.
    /// </summary>
    public static JsonObject Update(CaseTypeSpec caseType, JsonObject before, int? beforeRevision, EventSpec spec, int startVersion, int? startRevision, long internalId)
    {
        var data = (before["case_data"] as JsonObject)?.DeepClone().AsObject() ?? [];
        foreach (var (key, value) in spec.Data)
        {
            data[key] = value?.DeepClone();
        }

        var proposed = before.DeepClone().AsObject();
        proposed["case_data"] = data;
        proposed["state"] = spec.PostState;
        proposed["version"] = startVersion;
        return new JsonObject
        {
            ["case_details_before"] = before.DeepClone(),
            ["case_details"] = proposed,
            ["event_details"] = Event(caseType, spec),
            ["resolved_ttl"] = null,
            ["internal_case_id"] = internalId,
            ["start_revision"] = startRevision,
            ["merge_revision"] = beforeRevision,
        };
    }

    private static JsonObject Details(CaseTypeSpec caseType, long reference, string state, int? version, JsonObject data, JsonObject supplementary, DateTime created, DateTime stateModified) => new()
    {
        ["id"] = reference,
        ["jurisdiction"] = caseType.Jurisdiction,
        ["case_type_id"] = caseType.CaseTypeId,
        ["state"] = state,
        ["version"] = version,
        ["security_classification"] = caseType.SecurityClassification,
        ["case_data"] = data,
        ["data_classification"] = new JsonObject(),
        ["supplementary_data"] = supplementary,
        ["created_date"] = LocalDateTime(created),
        ["last_modified"] = null,
        ["last_state_modified_date"] = LocalDateTime(stateModified),
        ["after_submit_callback_response"] = null,
        ["callback_response_status_code"] = null,
        ["callback_response_status"] = null,
        ["callback_error_message"] = null,
        ["delete_draft_response_status_code"] = null,
        ["delete_draft_response_status"] = null,
    };

    private static JsonObject Event(CaseTypeSpec caseType, EventSpec spec) => new()
    {
        ["case_type"] = caseType.CaseTypeId,
        ["event_id"] = spec.EventId,
        ["event_name"] = spec.EventId,
        ["summary"] = "ccd-conformance",
        ["description"] = "An event submitted by the conformance kit",
        ["proxied_by"] = null,
        ["proxied_by_first_name"] = null,
        ["proxied_by_last_name"] = null,
    };

    // Jackson writes LocalDateTime without an offset, with as many fraction digits as needed.
    private static string LocalDateTime(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
