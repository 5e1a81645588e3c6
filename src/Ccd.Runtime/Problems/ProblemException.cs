namespace Ccd.Runtime.Problems;

/// <summary>
/// An error answered as an RFC 9457 problem details body. Throw it from an endpoint or handler when the request
/// cannot be served; the runtime's exception handler writes it with the trace id.
/// </summary>
public sealed class ProblemException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="type">The stable problem type, such as <c>validation-error</c> (written as <c>urn:ccd:problem:&lt;type&gt;</c>).</param>
    /// <param name="title">A short, stable summary of the problem type.</param>
    /// <param name="detail">What went wrong with this request; name the field at fault.</param>
    /// <param name="extensions">Extra members of the problem body, such as <c>currentVersion</c>.</param>
    public ProblemException(int status, string type, string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
        : base(detail)
    {
        Status = status;
        Type = type;
        Title = title;
        Detail = detail;
        Extensions = extensions ?? new Dictionary<string, object?>();
    }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>The stable problem type (without the <c>urn:ccd:problem:</c> prefix).</summary>
    public string Type { get; }

    /// <summary>A short, stable summary.</summary>
    public string Title { get; }

    /// <summary>What went wrong, naming the field.</summary>
    public string Detail { get; }

    /// <summary>Extra members of the body.</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; }

    /// <summary>A 400 naming the invalid field.</summary>
    public static ProblemException BadRequest(string field, string detail) =>
        new(400, "validation-error", "The request is invalid.", detail, new Dictionary<string, object?> { ["field"] = field });

    /// <summary>A 404.</summary>
    public static ProblemException NotFound(string detail) => new(404, "not-found", "Not found.", detail);

    /// <summary>A 409.</summary>
    public static ProblemException Conflict(string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(409, "conflict", "The resource was changed by someone else.", detail, extensions);
}
