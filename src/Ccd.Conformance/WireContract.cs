using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Ccd.Conformance;

/// <summary>The case a response must describe: CCD compares these with what it holds and answers 500 on a mismatch.</summary>
internal sealed record CaseIdentity(long Reference, string CaseTypeId, string Jurisdiction);

/// <summary>What was wrong with one response, by rule.</summary>
internal sealed class Findings
{
    public Dictionary<string, List<string>> ByRule { get; } = new(StringComparer.Ordinal);

    public void Add(string rule, string problem)
    {
        if (!ByRule.TryGetValue(rule, out var list))
        {
            ByRule[rule] = list = [];
        }

        list.Add(problem);
    }
}

/// <summary>
/// The wire rules CCD's data store applies to /ccd-persistence answers (see its ServicePersistenceClient and DTOs):
/// Jackson with strict duplicate detection, no unknown properties in the submit response, case details and history
/// events, non-null revision, version and classification, the case's id, type and jurisdiction echoed, and
/// LocalDateTime values without an offset.
/// </summary>
internal static partial class WireContract
{
    public static readonly string[] CaseRules = ["json", "revision", "version", "security-classification", "identity", "unknown-fields", "types", "dates"];

    public static readonly string[] SubmitRules = [.. CaseRules, "errors"];

    public static readonly string[] HistoryRules = ["json", "identity", "unknown-fields", "types", "dates"];

    private static readonly HashSet<string> SubmitResponseFields = new(StringComparer.Ordinal) { "case_details", "revision", "errors", "warnings", "ignore_warning" };

    private static readonly HashSet<string> CaseDetailsFields = new(StringComparer.Ordinal)
    {
        "id", "version", "jurisdiction", "case_type_id", "created_date", "last_modified", "last_state_modified_date", "state",
        "security_classification", "case_data", "data_classification", "supplementary_data", "after_submit_callback_response",
        "callback_response_status_code", "callback_response_status", "callback_error_message", "delete_draft_response_status_code",
        "delete_draft_response_status",
    };

    private static readonly HashSet<string> CallbackResponseFields = new(StringComparer.Ordinal) { "confirmation_header", "confirmation_body" };

    private static readonly HashSet<string> AuditWrapperFields = new(StringComparer.Ordinal) { "id", "case_reference", "event" };

    private static readonly HashSet<string> AuditEventFields = new(StringComparer.Ordinal)
    {
        "id", "event_name", "summary", "description", "user_id", "user_first_name", "user_last_name", "created_date", "case_type_id",
        "case_type_version", "state_id", "state_name", "data", "data_classification", "security_classification", "significant_item",
        "proxied_by", "proxied_by_first_name", "proxied_by_last_name",
    };

    private static readonly HashSet<string> SignificantItemFields = new(StringComparer.Ordinal) { "type", "description", "url" };

    private static readonly HashSet<string> Classifications = new(StringComparer.Ordinal) { "PUBLIC", "PRIVATE", "RESTRICTED" };

    /// <summary>Parses a body as CCD's mapper would (a repeated key is refused); null with a <c>json</c> finding when it cannot.</summary>
    public static JsonNode? Parse(string text, Findings findings)
    {
        try
        {
            using var strict = JsonDocument.Parse(text, new JsonDocumentOptions { AllowDuplicateProperties = false });
            return JsonNode.Parse(text);
        }
        catch (JsonException exception)
        {
            findings.Add("json", $"not JSON CCD can read ({exception.Message})");
            return null;
        }
    }

    /// <summary>A submit answer: <c>DecentralisedSubmitEventResponse</c>, strict, with the case details unwrapped beside <c>revision</c>.</summary>
    public static void SubmitResponse(JsonNode? body, CaseIdentity expected, Findings findings)
    {
        if (body is not JsonObject response)
        {
            findings.Add("json", "the body is not a JSON object");
            return;
        }

        Unknown(response, SubmitResponseFields, "response", findings);
        if (response["errors"] is JsonArray { Count: > 0 } errors)
        {
            findings.Add("errors", $"errors {errors.ToJsonString()}: CCD answers 422");
        }

        var ignoreWarning = response["ignore_warning"] is JsonValue ignore && ignore.TryGetValue<bool>(out var flag) && flag;
        if (response["warnings"] is JsonArray { Count: > 0 } warnings && !ignoreWarning)
        {
            findings.Add("errors", $"warnings {warnings.ToJsonString()} without ignore_warning true: CCD answers 422");
        }

        Revision(response["revision"], findings);
        CaseDetails(response["case_details"], expected, "case_details", findings);
    }

    /// <summary>One element of a read answer: <c>DecentralisedCaseDetails</c> (lenient wrapper, strict case details).</summary>
    public static void ReadItem(JsonNode? item, CaseIdentity expected, Findings findings)
    {
        if (item is not JsonObject wrapper)
        {
            findings.Add("json", "an element of the array is not a JSON object");
            return;
        }

        Revision(wrapper["revision"], findings);
        CaseDetails(wrapper["case_details"], expected, "case_details", findings);
    }

    /// <summary>One history event: <c>DecentralisedAuditEvent</c> wrapping an <c>AuditEvent</c>, both strict.</summary>
    public static void HistoryEvent(JsonNode? item, CaseIdentity expected, Findings findings)
    {
        if (item is not JsonObject wrapper)
        {
            findings.Add("json", "a history element is not a JSON object");
            return;
        }

        Unknown(wrapper, AuditWrapperFields, "history event", findings);
        if (!IsInteger(wrapper["id"], out _))
        {
            findings.Add("types", "id (the numeric event id CCD uses in its URLs) is missing or not an integer");
        }

        if (!IsInteger(wrapper["case_reference"], out var reference) || reference != expected.Reference)
        {
            findings.Add("identity", $"case_reference {wrapper["case_reference"]?.ToJsonString() ?? "missing"} is not {expected.Reference}: CCD answers 500");
        }

        if (wrapper["event"] is not JsonObject audit)
        {
            findings.Add("types", "event is missing or not an object");
            return;
        }

        Unknown(audit, AuditEventFields, "event", findings);
        if (audit["significant_item"] is JsonObject item2)
        {
            Unknown(item2, SignificantItemFields, "event.significant_item", findings);
        }

        if (Text(audit["case_type_id"]) != expected.CaseTypeId)
        {
            findings.Add("identity", $"event.case_type_id {audit["case_type_id"]?.ToJsonString() ?? "missing"} is not {expected.CaseTypeId}: CCD answers 500");
        }

        if (Text(audit["id"]) is null)
        {
            findings.Add("types", "event.id (the event definition id) is missing or not a string");
        }

        Objects(audit, "event", findings, "data", "data_classification");
        DateTime(audit["created_date"], "event.created_date", required: true, findings);
    }

    /// <summary>A LocalDateTime as CCD reads it: ISO local date-time, any fraction, at most a trailing <c>Z</c>.</summary>
    public static bool IsLocalDateTime(string value) => LocalDateTimePattern().IsMatch(value);

    private static void CaseDetails(JsonNode? node, CaseIdentity expected, string where, Findings findings)
    {
        if (node is not JsonObject details)
        {
            findings.Add("version", $"{where} is missing: CCD answers 500");
            return;
        }

        Unknown(details, CaseDetailsFields, where, findings);
        if (details["after_submit_callback_response"] is JsonObject callback)
        {
            Unknown(callback, CallbackResponseFields, where + ".after_submit_callback_response", findings);
        }

        if (!IsInteger(details["version"], out _))
        {
            findings.Add("version", $"{where}.version is {Shown(details["version"])}: CCD needs it (ServiceException, 500)");
        }

        var classification = Text(details["security_classification"]);
        if (classification is null || !Classifications.Contains(classification))
        {
            findings.Add("security-classification", $"{where}.security_classification is {Shown(details["security_classification"])}: CCD needs PUBLIC, PRIVATE or RESTRICTED");
        }

        if (!IsInteger(details["id"], out var id) || id != expected.Reference)
        {
            findings.Add("identity", $"{where}.id is {Shown(details["id"])}, not {expected.Reference}");
        }

        if (Text(details["case_type_id"]) != expected.CaseTypeId)
        {
            findings.Add("identity", $"{where}.case_type_id is {Shown(details["case_type_id"])}, not {expected.CaseTypeId}");
        }

        if (Text(details["jurisdiction"]) != expected.Jurisdiction)
        {
            findings.Add("identity", $"{where}.jurisdiction is {Shown(details["jurisdiction"])}, not {expected.Jurisdiction}");
        }

        if (details["state"] is not null && Text(details["state"]) is null)
        {
            findings.Add("types", $"{where}.state is not a string");
        }

        Objects(details, where, findings, "case_data", "data_classification", "supplementary_data");
        foreach (var field in new[] { "created_date", "last_modified", "last_state_modified_date" })
        {
            DateTime(details[field], $"{where}.{field}", required: false, findings);
        }
    }

    private static void Revision(JsonNode? revision, Findings findings)
    {
        if (revision is null)
        {
            findings.Add("revision", "revision is missing or null: CCD refuses the answer (ServiceException, 500)");
        }
        else if (!IsInteger(revision, out var value) || value < 1 || value > int.MaxValue)
        {
            findings.Add("revision", $"revision {revision.ToJsonString()} is not a positive integer that fits an int (CCD stores it as its pointer's version)");
        }
    }

    private static void Unknown(JsonObject node, HashSet<string> allowed, string where, Findings findings)
    {
        foreach (var (name, _) in node)
        {
            if (!allowed.Contains(name))
            {
                findings.Add("unknown-fields", $"{where} has unknown field \"{name}\": CCD's mapper refuses it (500)");
            }
        }
    }

    private static void Objects(JsonObject node, string where, Findings findings, params string[] fields)
    {
        foreach (var field in fields)
        {
            if (node[field] is not null and not JsonObject)
            {
                findings.Add("types", $"{where}.{field} is {node[field]!.GetValueKind()}, not an object");
            }
        }
    }

    private static void DateTime(JsonNode? value, string where, bool required, Findings findings)
    {
        if (value is null)
        {
            if (required)
            {
                findings.Add("dates", $"{where} is missing");
            }

            return;
        }

        var text = Text(value);
        if (text is null || !IsLocalDateTime(text))
        {
            findings.Add("dates", $"{where} is {(text is null ? value.ToJsonString() : $"\"{text}\"")}: CCD reads a LocalDateTime (yyyy-MM-ddTHH:mm:ss[.fff], no offset)");
        }
    }

    private static bool IsInteger(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue json && json.GetValueKind() == JsonValueKind.Number && json.TryGetValue(out value);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue json && json.GetValueKind() == JsonValueKind.String ? json.GetValue<string>() : null;

    private static string Shown(JsonNode? node) => node is null ? "missing or null" : node.ToJsonString();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z?$", RegexOptions.CultureInvariant)]
    private static partial Regex LocalDateTimePattern();

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
