using System.Text.Json.Nodes;
using Ccd.Runtime.Testing;
using Ccd.Runtime.Wire;
using Ccd.Testing;

namespace Ccd.Runtime.Tests.Support;

/// <summary>Submit bodies as CCD builds them, for this project's case types (jurisdiction <see cref="TestService.Jurisdiction"/>).</summary>
internal static class Payloads
{
    public static long NewReference() => CaseReference.Mint();

    public static CcdCaseType CaseType(string caseType) => new(caseType, TestService.Jurisdiction);

    public static JsonObject Create(long reference, string caseType, string eventId, JsonObject data, string state = "Open", JsonObject? supplementary = null) =>
        SubmitBodies.Create(CaseType(caseType), reference, eventId, data, state, supplementary);

    /// <inheritdoc cref="SubmitBodies.Update"/>
    public static JsonObject Update(
        long reference, string caseType, string eventId, JsonObject data, int version, string state = "Open", long? internalId = null,
        JsonObject? before = null, long? mergeRevision = null, string? beforeState = null) =>
        SubmitBodies.Update(CaseType(caseType), reference, eventId, data, version, state, internalId, before, mergeRevision, beforeState);
}
