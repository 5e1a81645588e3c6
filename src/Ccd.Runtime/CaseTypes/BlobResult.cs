using System.Text.Json.Nodes;

namespace Ccd.Runtime.CaseTypes;

/// <summary>The answer of an <see cref="IBlobHandler"/>: the classic about-to-submit response.</summary>
public sealed class BlobResult : EventResult
{
    /// <summary>The case data after the event; it replaces the stored blob. Required unless the event is refused.</summary>
    public JsonObject? Data { get; init; }

    /// <summary>The state after the event; null keeps the state CCD proposed.</summary>
    public string? State { get; init; }

    /// <summary>Success: store <paramref name="data"/>.</summary>
    public static BlobResult Ok(JsonObject data) => new() { Data = data };

    /// <summary>Refuses the event with <paramref name="errors"/>.</summary>
    public static BlobResult Fail(params string[] errors) => new() { Errors = errors };
}
