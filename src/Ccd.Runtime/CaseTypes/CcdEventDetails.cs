namespace Ccd.Runtime.CaseTypes;

/// <summary>The event being submitted, as CCD (or the service itself) described it; handlers read it through <see cref="EventContext"/>.</summary>
internal sealed record CcdEventDetails(string CaseTypeId, string EventId, string EventName, string? Summary, string? Description);
