namespace Ccd.Runtime.Testing;

/// <summary>The case type CCD routes to the service: id, jurisdiction and classification, as CCD puts them in every payload.</summary>
/// <param name="Id">The case type id (e.g. <c>A58</c>).</param>
/// <param name="Jurisdiction">Its jurisdiction.</param>
/// <param name="SecurityClassification">PUBLIC, PRIVATE or RESTRICTED.</param>
public sealed record CcdCaseType(string Id, string Jurisdiction, string SecurityClassification = "PUBLIC");
