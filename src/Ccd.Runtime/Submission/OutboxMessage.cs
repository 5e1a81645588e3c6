using System.Globalization;
using System.Text.Json.Nodes;
using Ccd.Runtime.Persistence;

namespace Ccd.Runtime.Submission;

/// <summary>
/// The <c>message_information</c> of an outbox row, with CCD's PascalCase keys so CCD's own publisher could read it.
/// <c>EventInstanceId</c> is added by the insert, which knows the history row's id.
/// </summary>
internal static class OutboxMessage
{
    public static JsonObject Build(EventWrite write)
    {
        var data = new JsonObject();
        var definition = new JsonObject();
        foreach (var field in write.Event.PublishedFields)
        {
            data[field.Name] = write.Rendered[field.Name]?.DeepClone();
            definition[field.Name] = new JsonObject
            {
                ["originalId"] = field.Name,
                ["type"] = field.PublishedType,
                ["subtype"] = field.Type,
                ["typeDef"] = null,
            };
        }

        var after = write.After;
        return new JsonObject
        {
            ["UserId"] = write.MessageUserId,
            ["JurisdictionId"] = after.Jurisdiction,
            ["CaseTypeId"] = after.CaseTypeId,
            ["CaseId"] = after.Reference.ToString(CultureInfo.InvariantCulture),
            ["EventTimeStamp"] = WireFormat.DateTime(after.LastModified),
            ["EventId"] = write.Event.Id,
            ["PreviousStateId"] = write.PreviousState,
            ["NewStateId"] = after.State,
            ["AdditionalData"] = new JsonObject { ["Data"] = data, ["Definition"] = definition },
        };
    }
}
