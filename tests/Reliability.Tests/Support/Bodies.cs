using System.Text.Json.Nodes;
using Ccd.Runtime.Testing;
using Ccd.Testing;

namespace Reliability.Tests.Support;

/// <summary>Submit bodies shaped as CCD's data store sends them, for the configuration-only <see cref="BlobCaseType"/>.</summary>
internal static class Bodies
{
    public static readonly CcdCaseType CaseType = new(BlobCaseType.Id, BlobCaseType.Jurisdiction);

    public static JsonObject Create(long reference, JsonObject data, long? internalId = null, string eventId = "create", JsonObject? eventDetails = null)
    {
        var body = SubmitBodies.Create(CaseType, reference, eventId, data);
        body["internal_case_id"] = internalId;
        if (eventDetails is not null)
        {
            body["event_details"] = eventDetails;
        }

        return body;
    }

    public static JsonObject Update(long reference, JsonObject data, int version, string eventId = "update", long? internalId = null) =>
        SubmitBodies.Update(CaseType, reference, eventId, data, version, internalId: internalId);

    public static JsonObject Event(string eventId, string summary = SubmitBodies.Summary, string description = SubmitBodies.Description) =>
        SubmitBodies.Event(CaseType, eventId, summary, description);

    public static JsonObject Supplementary(string op, string path, JsonNode? value) => SubmitBodies.Supplementary(op, path, value);
}
