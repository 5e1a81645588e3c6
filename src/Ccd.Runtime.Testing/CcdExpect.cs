using System.Net;
using System.Text.Json.Nodes;
using Ccd.Conformance;

namespace Ccd.Runtime.Testing;

/// <summary>
/// Assertions of what CCD's data store would make of an answer: the same wire rules as the conformance kit
/// (required revision, version and classification, the case's identity echoed, no unknown fields, LocalDateTime
/// dates, no repeated keys). Each throws <see cref="CcdExpectationException"/> naming every broken rule.
/// </summary>
public static class CcdExpect
{
    /// <summary>A submit CCD would accept as committed: 2xx, a readable answer for case <paramref name="reference"/>, no errors or un-ignored warnings.</summary>
    public static void SubmitAccepted(CcdAnswer answer, CcdCaseType caseType, long reference)
    {
        if ((int)answer.Status is < 200 or >= 300)
        {
            throw new CcdExpectationException($"CCD would not accept the submit: {(int)answer.Status} {answer.Text}");
        }

        var findings = new Findings();
        WireContract.SubmitResponse(WireContract.Parse(answer.Text, findings), Identity(caseType, reference), findings);
        ThrowIfAny("submit answer", findings);
    }

    /// <summary>A submit CCD would show the user as a conflict: 409.</summary>
    public static void Conflict(CcdAnswer answer)
    {
        if (answer.Status != HttpStatusCode.Conflict)
        {
            throw new CcdExpectationException($"Expected 409 (CCD: another action happened at the same time), got {(int)answer.Status}: {answer.Text}");
        }
    }

    /// <summary>A read answer CCD would accept for case <paramref name="reference"/> (one element of <c>GET /ccd-persistence/cases</c>).</summary>
    public static void CaseReadable(JsonObject? item, CcdCaseType caseType, long reference)
    {
        var findings = new Findings();
        if (item is null)
        {
            findings.Add("json", "the case is missing from the read (CCD answers 404)");
        }
        else
        {
            WireContract.ReadItem(WireContract.Parse(item.ToJsonString(), findings), Identity(caseType, reference), findings);
        }

        ThrowIfAny("read", findings);
    }

    /// <summary>A history list CCD would accept for case <paramref name="reference"/>.</summary>
    public static void HistoryReadable(JsonArray history, CcdCaseType caseType, long reference)
    {
        var findings = new Findings();
        foreach (var item in history)
        {
            WireContract.HistoryEvent(WireContract.Parse(item?.ToJsonString() ?? "null", findings), Identity(caseType, reference), findings);
        }

        ThrowIfAny("history", findings);
    }

    /// <summary>A replay: 2xx with exactly the body of the first answer (CCD's own test compares them byte for byte).</summary>
    public static void SameAnswer(CcdAnswer first, CcdAnswer replay)
    {
        if ((int)replay.Status is < 200 or >= 300 || replay.Text != first.Text)
        {
            throw new CcdExpectationException($"The replay answered {(int)replay.Status} {replay.Text}, not the first body {first.Text}");
        }
    }

    private static CaseIdentity Identity(CcdCaseType caseType, long reference) => new(reference, caseType.Id, caseType.Jurisdiction);

    private static void ThrowIfAny(string what, Findings findings)
    {
        if (findings.ByRule.Count > 0)
        {
            throw new CcdExpectationException($"CCD would refuse the {what}: " +
                string.Join("; ", findings.ByRule.SelectMany(rule => rule.Value.Select(problem => $"[{rule.Key}] {problem}"))));
        }
    }
}

/// <summary>An answer CCD's data store would not accept as a test expected.</summary>
public sealed class CcdExpectationException(string message) : Exception(message);
