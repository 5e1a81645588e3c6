using System.Globalization;
using System.Text.Json.Nodes;
using Ccd.Runtime.Wire;

namespace Ccd.Runtime.Writing;

/// <summary>
/// The <c>message_information</c> of an outbox row, with CCD's PascalCase keys so CCD's own publisher could read it.
/// <c>EventInstanceId</c> is added by the insert, which knows the history row's id.
/// </summary>
internal static class OutboxMessage
{
    public static JsonObject Build(EventPlan write, EventCommit.Prepared prepared)
    {
        var data = new JsonObject();
        var definition = new JsonObject();
        foreach (var field in write.Event.PublishedFields)
        {
            data[field.Name] = prepared.Rendered[field.Name]?.DeepClone();
            definition[field.Name] = new JsonObject
            {
                ["originalId"] = field.Name,
                ["type"] = field.PublishedType,
                ["subtype"] = field.Type,
                ["typeDef"] = null,
            };
        }

        var after = prepared.After;
        return new JsonObject
        {
            ["UserId"] = write.MessageUserId,
            ["JurisdictionId"] = after.Jurisdiction,
            ["CaseTypeId"] = after.CaseTypeId,
            ["CaseId"] = after.Reference.ToString(CultureInfo.InvariantCulture),
            ["EventTimeStamp"] = WireFormat.DateTime(after.LastModified),
            ["EventId"] = write.Event.Id,
            ["PreviousStateId"] = write.Existing?.State,
            ["NewStateId"] = after.State,
            ["AdditionalData"] = new JsonObject { ["Data"] = data, ["Definition"] = definition },
        };
    }
}
