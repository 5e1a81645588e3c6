using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;

namespace Ccd.Runtime.Wire;

/// <summary>Writes CCD's callback response body.</summary>
internal static class CallbackJson
{
    public static JsonObject Write(CallbackRequest request, CallbackResponse response)
    {
        var body = new JsonObject
        {
            ["data"] = (response.Data ?? request.Data).DeepClone(),
            ["errors"] = new JsonArray(response.Errors.Select(error => (JsonNode?)JsonValue.Create(error)).ToArray()),
            // Once the user accepted the warnings CCD re-sends the step with ignore_warning; answering them again
            // would only show the same question twice.
            ["warnings"] = new JsonArray((request.IgnoreWarning ? [] : response.Warnings).Select(warning => (JsonNode?)JsonValue.Create(warning)).ToArray()),
        };
        if (response.State is not null)
        {
            body["state"] = response.State.Value.Value;
        }

        if (response.SecurityClassification is not null)
        {
            body["security_classification"] = response.SecurityClassification;
        }

        return body;
    }
}
