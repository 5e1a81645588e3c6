using System.Text.Json.Nodes;
using Npgsql;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// A case type declared in configuration only (<c>Ccd:CaseTypes</c>): the case is a plain JSON blob, every event
/// stores the proposed <c>case_data</c> (in the event's <see cref="EventDefinition.PostState"/> when it names one),
/// and the view is the blob. With <paramref name="states"/> declared only those states are accepted, else any state CCD sends.
/// </summary>
internal sealed class ConfiguredCaseType(string id, string jurisdiction, string? hmctsServiceId, IReadOnlyList<EventDefinition> events, IReadOnlySet<string> states)
    : CaseTypeDefinition(id, jurisdiction, hmctsServiceId, events)
{
    public override IEnumerable<Type> ServiceTypes => [];

    public override bool IsKnownState(string state) => states.Count == 0 ? !string.IsNullOrWhiteSpace(state) : states.Contains(state);

    public override string StateName(string state) => state;

    protected override ValueTask<JsonObject> RenderViewAsync(
        IServiceProvider services, long reference, string state, JsonObject blob,
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        ValueTask.FromResult(blob);

    public override Task<HandlerOutcome> HandleAsync(IServiceProvider services, EventDefinition definition, HandlerInput input, CancellationToken cancellationToken) =>
        Task.FromResult(definition.PostState is { } state ? WithoutHandler(input) with { State = state } : WithoutHandler(input));
}
