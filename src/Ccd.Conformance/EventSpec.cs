using System.Text.Json.Nodes;

namespace Ccd.Conformance;

/// <summary>An event the run submits: its id, the state CCD evaluates after it, and the case data CCD proposes (merged over the current data on updates).</summary>
internal sealed record EventSpec(string EventId, string PostState, JsonObject Data);

/// <summary>The case type under test and the events to use.</summary>
internal sealed record CaseTypeSpec(string CaseTypeId, string Jurisdiction, string SecurityClassification, EventSpec Create, EventSpec Update, EventSpec Stale);
