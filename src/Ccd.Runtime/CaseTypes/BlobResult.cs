using System.Text.Json.Nodes;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// The answer of an <see cref="IBlobHandler"/>: the classic about-to-submit response. Any error <em>or warning</em>
/// rolls the whole event back and is returned to CCD as a 200 with <c>errors</c>/<c>warnings</c>.
/// </summary>
public sealed class BlobResult : IEventResult
{
    /// <summary>Errors shown to the user; any error refuses the event.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Warnings shown to the user; any warning refuses the event too.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The case data after the event; it replaces the stored blob. Required unless the event is refused.</summary>
    public JsonObject? Data { get; init; }

    /// <summary>The state after the event; null keeps the state CCD proposed.</summary>
    public string? State { get; init; }

    /// <summary>Overrides the security classification CCD proposed.</summary>
    public CaseSecurityClassification? SecurityClassification { get; init; }

    /// <summary>Overrides the history summary the user typed.</summary>
    public string? Summary { get; init; }

    /// <summary>Overrides the history description the user typed.</summary>
    public string? Description { get; init; }

    /// <summary>A document to show against the event in CCD's history: a description of 1-64 characters and an absolute http(s) URL.</summary>
    public (string Description, string Url)? SignificantItem { get; init; }

    /// <summary>The confirmation header CCD shows after the event (markdown).</summary>
    public string? ConfirmationHeader { get; init; }

    /// <summary>The confirmation body CCD shows after the event (markdown).</summary>
    public string? ConfirmationBody { get; init; }

    /// <summary>Success: store <paramref name="data"/>.</summary>
    public static BlobResult Ok(JsonObject data) => new() { Data = data };

    /// <summary>Refuses the event with <paramref name="errors"/>.</summary>
    public static BlobResult Fail(params string[] errors) => new() { Errors = errors };
}
