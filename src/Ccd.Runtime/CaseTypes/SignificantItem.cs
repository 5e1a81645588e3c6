namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// A document an event points at, shown in CCD's history. The type is always <c>DOCUMENT</c>; the description must
/// be 1-64 characters and the URL absolute (http or https), otherwise the event is refused with an error.
/// </summary>
/// <param name="Description">Shown in the history, at most 64 characters.</param>
/// <param name="Url">The absolute URL of the document.</param>
public sealed record SignificantItem(string Description, string Url);
