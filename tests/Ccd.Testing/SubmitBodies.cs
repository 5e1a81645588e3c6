using System.Text.Json.Nodes;
using Ccd.Runtime.Testing;

namespace Ccd.Testing;

/// <summary>
/// The submit bodies of this repository's tests: the package's <see cref="CcdEventBodies"/> with the suite's
/// defaults (state <c>Open</c>, a summary and a description, and on an update the revisions CCD read at the version
/// the user started from).
/// </summary>
public static class SubmitBodies
{
    public const string Summary = "A summary";
    public const string Description = "A description";

    /// <summary>A create of case <paramref name="reference"/>; <paramref name="internalId"/> null: a new one.</summary>
    public static JsonObject Create(
        CcdCaseType caseType, long reference, string eventId, JsonObject data, string state = "Open", JsonObject? supplementary = null, long? internalId = null) =>
        CcdEventBodies.Create(caseType, reference, eventId, state, data, new CcdSubmitOptions
        {
            SupplementaryData = supplementary, InternalCaseId = internalId, Summary = Summary, Description = Description,
        });

    /// <summary>
    /// An update as CCD sends it: <paramref name="before"/> is CCD's read (<c>case_details_before</c>, empty data by
    /// default, in <paramref name="beforeState"/>) at <paramref name="mergeRevision"/> (default <paramref name="version"/>),
    /// <paramref name="data"/> its proposal.
    /// </summary>
    public static JsonObject Update(
        CcdCaseType caseType, long reference, string eventId, JsonObject data, int version, string state = "Open", long? internalId = null,
        JsonObject? before = null, long? mergeRevision = null, string? beforeState = null)
    {
        var revision = (int)(mergeRevision ?? version);
        return CcdEventBodies.Update(caseType, reference, eventId, state, version, data, new CcdSubmitOptions
        {
            Before = CcdEventBodies.CaseDetails(caseType, reference, beforeState ?? state, version, before ?? []),
            InternalCaseId = internalId, StartRevision = revision, MergeRevision = revision, Summary = Summary, Description = Description,
        });
    }

    /// <summary><c>event_details</c> of <paramref name="eventId"/>.</summary>
    public static JsonObject Event(CcdCaseType caseType, string eventId, string summary = Summary, string description = Description) =>
        CcdEventBodies.EventDetails(caseType, eventId, new CcdSubmitOptions { Summary = summary, Description = description });

    /// <summary>A supplementary-data update: <c>{"supplementary_data_updates": {op: {path: value}}}</c>.</summary>
    public static JsonObject Supplementary(string op, string path, JsonNode? value) =>
        new() { ["supplementary_data_updates"] = new JsonObject { [op] = new JsonObject { [path] = value } } };
}
