using System.Text.Json.Nodes;

namespace Ccd.Runtime.CaseTypes;

/// <summary>The answer to a callback: <c>{data, errors, warnings, state?, security_classification?}</c>.</summary>
public sealed class CallbackResponse
{
    /// <summary>The case data CCD shows next; null answers the request's <c>case_data</c> unchanged.</summary>
    public JsonObject? Data { get; init; }

    /// <summary>Messages that stop the user going on.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Messages the user may accept and go on; not answered again once the request says <c>ignore_warning</c>.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>A state to move to, if any.</summary>
    public StateId? State { get; init; }

    /// <summary>A security classification to set (<c>PUBLIC</c>, <c>PRIVATE</c>, <c>RESTRICTED</c>), if any.</summary>
    public string? SecurityClassification { get; init; }

    /// <summary>An answer with <paramref name="data"/> and no errors or warnings.</summary>
    public static CallbackResponse WithData(JsonObject data) => new() { Data = data };

    /// <summary>An answer with the request's data unchanged and <paramref name="errors"/>.</summary>
    public static CallbackResponse WithErrors(params string[] errors) => new() { Errors = errors };
}
