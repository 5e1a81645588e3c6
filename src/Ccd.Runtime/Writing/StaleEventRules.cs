using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Store;
using Ccd.Runtime.Wire;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Writing;

/// <summary>
/// How a CCD submit is applied when the stored case may have moved on since CCD read it (docs/persistence-api.md,
/// "Stale events"). CCD's proposal was built from <c>case_details_before</c>, its read at <c>merge_revision</c>;
/// the case as loaded under the lock is what is current. Nothing an event did not change moves back.
/// </summary>
internal static class StaleEventRules
{
    // Any committed event after the revision the user started from; served by the (case_reference, case_revision) index.
    private const string EventAfterSql = """
        SELECT EXISTS (SELECT 1 FROM ccd.case_event WHERE case_reference = @reference AND case_revision > @start)
        """;

    /// <summary>
    /// A non-concurrent event is refused when any event committed after <c>start_revision</c> (the revision the user
    /// started the event at): its code assumed nothing else happened meanwhile. Supplementary-data updates write no
    /// event and never count.
    /// </summary>
    public static async Task CheckNotInterleavedAsync(CaseWrite write, ValidSubmit request)
    {
        if (request.IsCreate || !request.Event.NonConcurrent)
        {
            return;
        }

        if (request.Raw.StartRevision is not { } start)
        {
            throw ProblemException.Conflict($"Event {request.Event.Id} must not interleave with another event, and the submit has no start_revision.");
        }

        await using var command = new NpgsqlCommand(EventAfterSql, write.Connection, write.Transaction);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = request.Reference });
        command.Parameters.Add(new NpgsqlParameter<long>("start", NpgsqlDbType.Bigint) { TypedValue = start });
        if ((bool)(await command.ExecuteScalarAsync(write.CancellationToken))!)
        {
            throw ProblemException.Conflict(
                $"The case was updated by another event after this {request.Event.Id} started (start_revision {start}); start the event again.",
                new Dictionary<string, object?> { ["currentRevision"] = write.Stored!.Revision });
        }
    }

    /// <summary>
    /// The TTL the event leaves (reserved <c>data.TTL</c> and <c>resolved_ttl</c>). On a create, or when
    /// <c>merge_revision</c> is the stored revision, CCD's values are taken as they are. Otherwise CCD computed them
    /// from a stale read: the stored ones stay when the event did not change the TTL relative to
    /// <c>case_details_before</c> (or already equal CCD's), and a change is a 409, since it may undo a newer one.
    /// </summary>
    public static (JsonNode? Ttl, DateOnly? Resolved) DecideTtl(ValidSubmit request, StoredCase? stored)
    {
        var proposed = ReservedTtl.Of(request.Proposed);
        if (stored is null || request.Raw.MergeRevision == stored.Revision)
        {
            return (proposed, request.Raw.ResolvedTtl);
        }

        var storedTtl = ReservedTtl.Of(stored.Data);
        var unchanged = ReservedTtl.Same(proposed, storedTtl) && request.Raw.ResolvedTtl == stored.ResolvedTtl;
        if (unchanged || ReservedTtl.Same(proposed, ReservedTtl.Of(request.Raw.CaseDetailsBefore?.CaseData)))
        {
            return (storedTtl, stored.ResolvedTtl);
        }

        throw ProblemException.Conflict(
            $"The TTL was changed from a stale read: merge_revision {Describe(request.Raw.MergeRevision)} is not the current revision {stored.Revision}.",
            new Dictionary<string, object?> { ["currentRevision"] = stored.Revision });
    }

    /// <summary>
    /// An additive event's proposal rebased onto the case as stored: only what the event changed relative to
    /// <c>case_details_before</c> is taken from CCD (its data fields, state and classification); everything else is
    /// the current case. A change that collides with a concurrent change of the same field is a 409; a collection
    /// the event only appended to takes the appended items after the stored ones.
    /// </summary>
    public static (JsonObject Data, string State, CaseSecurityClassification Classification) Rebase(
        ValidSubmit request, StoredCase stored, JsonObject current)
    {
        var before = request.Raw.CaseDetailsBefore!;
        var data = Merge(before.CaseData ?? [], request.Proposed, current, path: "case_data");
        var state = before.State is { } beforeState && !string.Equals(beforeState, request.ProposedState, StringComparison.Ordinal)
            ? request.ProposedState
            : stored.State;
        var classification = ClassificationText.TryParse(before.SecurityClassification, out var beforeClassification) && beforeClassification != request.Classification
            ? request.Classification
            : stored.Classification;
        return (data, state, classification);
    }

    private static JsonObject Merge(JsonObject before, JsonObject proposed, JsonObject current, string path)
    {
        var result = (JsonObject)current.DeepClone();
        foreach (var (name, value) in proposed)
        {
            if (name == ReservedTtl.Key)
            {
                continue; // decided on its own (DecideTtl)
            }

            before.TryGetPropertyValue(name, out var was);
            if (JsonNode.DeepEquals(was, value))
            {
                continue; // the event did not change it: the current value stays
            }

            current.TryGetPropertyValue(name, out var now);
            result[name] = MergeValue(was, value, now, $"{path}.{name}");
        }

        foreach (var (name, was) in before)
        {
            if (name == ReservedTtl.Key || proposed.ContainsKey(name))
            {
                continue;
            }

            // The event removed the field: remove it unless someone changed it meanwhile.
            if (current.TryGetPropertyValue(name, out var now) && !JsonNode.DeepEquals(now, was))
            {
                throw Collision($"{path}.{name}");
            }

            result.Remove(name);
        }

        return result;
    }

    private static JsonNode? MergeValue(JsonNode? was, JsonNode? value, JsonNode? now, string path)
    {
        if (JsonNode.DeepEquals(now, was) || JsonNode.DeepEquals(now, value))
        {
            return value?.DeepClone(); // nobody else changed it, or they made the same change
        }

        if (value is JsonObject proposedObject && now is JsonObject currentObject)
        {
            return Merge(was as JsonObject ?? [], proposedObject, currentObject, path);
        }

        // A collection the event only appended to: its new items go after the stored ones (an empty collection that
        // is now absent counts as empty).
        var stored = now as JsonArray ?? (now is null && was is JsonArray { Count: 0 } ? [] : null);
        if (value is JsonArray proposedArray && stored is not null && Appended(was as JsonArray, proposedArray) is { } added)
        {
            var merged = (JsonArray)stored.DeepClone();
            foreach (var item in added)
            {
                merged.Add(item?.DeepClone());
            }

            return merged;
        }

        throw Collision(path);
    }

    /// <summary>The items <paramref name="proposed"/> adds after all of <paramref name="before"/>'s, or null when it changes them.</summary>
    private static IEnumerable<JsonNode?>? Appended(JsonArray? before, JsonArray proposed)
    {
        var kept = before?.Count ?? 0;
        if (proposed.Count < kept)
        {
            return null;
        }

        for (var i = 0; i < kept; i++)
        {
            if (!JsonNode.DeepEquals(before![i], proposed[i]))
            {
                return null;
            }
        }

        return proposed.Skip(kept);
    }

    private static ProblemException Collision(string path) =>
        ProblemException.Conflict($"{path} was changed by another event since CCD read the case; this event's change of it would undo that one.");

    private static string Describe(long? revision) => revision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)";
}
