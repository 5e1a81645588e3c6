using System.Buffers;
using System.Text.Json;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Store;
using Ccd.Runtime.Wire;

namespace Ccd.Runtime.Writing;

/// <summary>The HTTP status and the exact body a submit answers.</summary>
internal sealed record SubmitAnswer(int Status, byte[] Body, string Outcome)
{
    /// <summary>The first answer of a committed event (201), as stored for its replays.</summary>
    public static byte[] SuccessBody(EventCommit.Prepared prepared, CaseDetailsJson.Confirmation confirmation)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("case_details");
            CaseDetailsJson.Write(writer, prepared.After, prepared.Rendered, confirmation);
            writer.WriteNumber("revision", prepared.After.Revision);
            writer.WriteStartArray("errors");
            writer.WriteEndArray();
            writer.WriteStartArray("warnings");
            writer.WriteEndArray();
            writer.WriteBoolean("ignore_warning", false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A replay: the stored answer (200) when the key was used for this same request, else 422.</summary>
    public static SubmitAnswer Replay(CaseLock.StoredKey stored, string fingerprint)
    {
        if (!string.Equals(stored.Fingerprint, fingerprint, StringComparison.Ordinal) || stored.ResponseBody is null)
        {
            throw new ProblemException(422, "idempotency-key-reused", "The idempotency key was used for another request.",
                "Idempotency-Key was already used for an event on another case, case type or event; use a new key.");
        }

        return new SubmitAnswer(200, stored.ResponseBody, "replayed");
    }

    /// <summary>A business refusal: 200 with the errors and warnings, nothing written (the transaction is disposed unused).</summary>
    public static SubmitAnswer Refusal(IEventResult result)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNull("case_details");
            writer.WriteNull("revision");
            writer.WriteStartArray("errors");
            foreach (var error in result.Errors)
            {
                writer.WriteStringValue(error);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("warnings");
            foreach (var warning in result.Warnings)
            {
                writer.WriteStringValue(warning);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("ignore_warning", false);
            writer.WriteEndObject();
        }

        return new SubmitAnswer(200, buffer.WrittenSpan.ToArray(), "rejected");
    }
}
