using System.Text.Json.Nodes;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// CCD's <c>data.TTL</c> object (<c>SystemTTL</c>, <c>OverrideTTL</c>, <c>Suspended</c>), from which CCD computes
/// <c>resolved_ttl</c>. It is reserved: the runtime keeps it in the stored blob for every case type, puts it back
/// into every rendering (a case view cannot drop or alter what CCD reads next), leaves it out of the version
/// decision, and restores it after handlers, so a handler can neither change nor add it.
/// </summary>
internal static class ReservedTtl
{
    public const string Key = "TTL";

    /// <summary>The TTL node of <paramref name="data"/>, or null.</summary>
    public static JsonNode? Of(JsonObject? data) => data?[Key];

    /// <summary>True when both TTL nodes are the same JSON value (both absent included).</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    /// <summary>
    /// <paramref name="data"/> carrying exactly <paramref name="ttl"/> (or no TTL when null); a copy when it has to
    /// change, so the caller's object (possibly the stored blob) is never modified.
    /// </summary>
    public static JsonObject With(JsonObject data, JsonNode? ttl)
    {
        if (Same(data[Key], ttl) && (ttl is not null || !data.ContainsKey(Key)))
        {
            return data;
        }

        var copy = (JsonObject)data.DeepClone();
        if (ttl is null)
        {
            copy.Remove(Key);
        }
        else
        {
            copy[Key] = ttl.DeepClone();
        }

        return copy;
    }

    /// <summary>Puts the stored blob's TTL into a case view's rendering, in place (the rendering is the view's own object).</summary>
    public static JsonObject Overlay(JsonObject rendered, JsonObject blob)
    {
        if (ReferenceEquals(rendered, blob))
        {
            return rendered;
        }

        if (blob[Key] is { } ttl)
        {
            rendered[Key] = ttl.DeepClone();
        }
        else
        {
            rendered.Remove(Key);
        }

        return rendered;
    }

    /// <summary>True when two renderings are equal apart from their TTL (which does not move the version).</summary>
    public static bool EqualIgnoringTtl(JsonObject? a, JsonObject? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true; // an event that kept the stored blob renders it as it was: nothing to compare
        }

        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (!a.ContainsKey(Key) && !b.ContainsKey(Key))
        {
            return JsonNode.DeepEquals(a, b);
        }

        var countA = a.Count - (a.ContainsKey(Key) ? 1 : 0);
        var countB = b.Count - (b.ContainsKey(Key) ? 1 : 0);
        if (countA != countB)
        {
            return false;
        }

        foreach (var (name, value) in a)
        {
            if (name == Key)
            {
                continue;
            }

            if (!b.TryGetPropertyValue(name, out var other) || !JsonNode.DeepEquals(value, other))
            {
                return false;
            }
        }

        return true;
    }
}
