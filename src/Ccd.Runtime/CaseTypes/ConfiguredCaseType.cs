using System.Text.Json.Nodes;
using Npgsql;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// A case type declared in configuration only (<c>Ccd:CaseTypes</c>): the case is a plain JSON blob, every event
/// stores the proposed <c>case_data</c>, the view is the blob, and any state CCD sends is accepted.
/// </summary>
internal sealed class ConfiguredCaseType(string id, string jurisdiction, string? hmctsServiceId, IReadOnlyList<EventDefinition> events)
    : CaseTypeDefinition(id, jurisdiction, hmctsServiceId, events)
{
    public override IEnumerable<Type> ServiceTypes => [];

    public override bool IsKnownState(string state) => !string.IsNullOrWhiteSpace(state);

    public override string StateName(string state) => state;

    protected override ValueTask<JsonObject> RenderViewAsync(
        IServiceProvider services, long reference, string state, JsonObject blob,
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        ValueTask.FromResult(blob);

    public override Task<HandlerOutcome> HandleAsync(IServiceProvider services, EventDefinition definition, HandlerInput input, CancellationToken cancellationToken) =>
        Task.FromResult(WithoutHandler(input));
}
