namespace Ccd.Runtime.CaseTypes;

/// <summary>The event being submitted, as CCD (or the service itself) described it.</summary>
/// <param name="CaseTypeId">The case type id, such as <c>A58</c>.</param>
/// <param name="EventId">The event id, such as <c>submitApplication</c>.</param>
/// <param name="EventName">The event's display name.</param>
/// <param name="Summary">The user's summary, if any.</param>
/// <param name="Description">The user's description, if any.</param>
public sealed record CcdEventDetails(string CaseTypeId, string EventId, string EventName, string? Summary, string? Description);
