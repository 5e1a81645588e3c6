using System.Text.Json.Nodes;

namespace Reliability.Tests.Support;

/// <summary>Submit bodies shaped as CCD's data store sends them, for the configuration-only <see cref="BlobCaseType"/>.</summary>
internal static class Bodies
{
    public static JsonObject Create(long reference, JsonObject data, long? internalId = null, string eventId = "create", JsonObject? eventDetails = null) => new()
    {
        ["case_details_before"] = null,
        ["case_details"] = Details(reference, data, version: null),
        ["event_details"] = eventDetails ?? Event(eventId),
        ["resolved_ttl"] = null,
        ["internal_case_id"] = internalId,
        ["start_revision"] = null,
        ["merge_revision"] = null,
    };

    public static JsonObject Update(long reference, JsonObject data, int version, string eventId = "update", long? internalId = null) => new()
    {
        ["case_details_before"] = Details(reference, [], version),
        ["case_details"] = Details(reference, data, version),
        ["event_details"] = Event(eventId),
        ["resolved_ttl"] = null,
        ["internal_case_id"] = internalId,
        ["start_revision"] = version,
        ["merge_revision"] = version,
    };

    public static JsonObject Event(string eventId, string summary = "A summary", string description = "A description") => new()
    {
        ["case_type"] = BlobCaseType.Id,
        ["event_id"] = eventId,
        ["event_name"] = eventId,
        ["summary"] = summary,
        ["description"] = description,
        ["proxied_by"] = null,
        ["proxied_by_first_name"] = null,
        ["proxied_by_last_name"] = null,
    };

    public static JsonObject Supplementary(string op, string path, JsonNode? value) =>
        new() { ["supplementary_data_updates"] = new JsonObject { [op] = new JsonObject { [path] = value } } };

    private static JsonObject Details(long reference, JsonObject data, int? version) => new()
    {
        ["id"] = reference,
        ["jurisdiction"] = BlobCaseType.Jurisdiction,
        ["case_type_id"] = BlobCaseType.Id,
        ["state"] = "Open",
        ["version"] = version,
        ["security_classification"] = "PUBLIC",
        ["case_data"] = data,
        ["data_classification"] = new JsonObject(),
        ["supplementary_data"] = new JsonObject(),
        ["created_date"] = "2026-03-05T12:00:00Z",
        ["last_modified"] = "2026-03-05T12:00:00Z",
        ["last_state_modified_date"] = null,
    };
}
