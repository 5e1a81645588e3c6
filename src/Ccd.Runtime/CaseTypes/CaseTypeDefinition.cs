using System.Text.Json.Nodes;
using Npgsql;

namespace Ccd.Runtime.CaseTypes;

/// <summary>A case type the runtime serves: its identity, events, states, view and handlers.</summary>
internal abstract class CaseTypeDefinition
{
    protected CaseTypeDefinition(string id, string jurisdiction, string? hmctsServiceId, IReadOnlyList<EventDefinition> events)
    {
        Id = id;
        Jurisdiction = jurisdiction;
        HmctsServiceId = hmctsServiceId;
        var byId = new Dictionary<string, EventDefinition>(StringComparer.Ordinal);
        foreach (var definition in events)
        {
            if (!byId.TryAdd(definition.Id, definition))
            {
                throw new ArgumentException($"Case type {id} declares event '{definition.Id}' twice.");
            }
        }

        Events = byId;
    }

    public string Id { get; }

    public string Jurisdiction { get; }

    public string? HmctsServiceId { get; }

    public IReadOnlyDictionary<string, EventDefinition> Events { get; }

    /// <summary>The view and handler classes, so they can be registered in dependency injection.</summary>
    public abstract IEnumerable<Type> ServiceTypes { get; }

    /// <summary>The case view class, if any.</summary>
    public virtual Type? ViewType => null;

    /// <summary>Every class the declaration names (view, handlers, callbacks), what it is for and its event.</summary>
    public IEnumerable<(string Role, Type Type, string? EventId)> DeclaredClasses()
    {
        if (ViewType is not null)
        {
            yield return ("view", ViewType, null);
        }

        foreach (var e in Events.Values)
        {
            if (e.HandlerType is not null)
            {
                yield return ("handler", e.HandlerType, e.Id);
            }

            if (e.AboutToStartHandler is not null)
            {
                yield return ("about-to-start handler", e.AboutToStartHandler, e.Id);
            }

            foreach (var (page, type) in e.MidEventHandlers)
            {
                yield return ($"mid-event handler of page {page}", type, e.Id);
            }
        }
    }

    /// <summary>True when <paramref name="state"/> is a state of this case type.</summary>
    public abstract bool IsKnownState(string state);

    /// <summary>The state's declared label, else its id.</summary>
    public abstract string StateName(string state);

    /// <summary>Renders <c>case_data</c> as CCD sees it: the case view, carrying the stored blob's reserved TTL.</summary>
    public async ValueTask<JsonObject> RenderAsync(
        IServiceProvider services, long reference, string state, JsonObject blob,
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        ReservedTtl.Overlay(await RenderViewAsync(services, reference, state, blob, connection, transaction, cancellationToken), blob);

    /// <summary>Renders <c>case_data</c> with the case type's view.</summary>
    protected abstract ValueTask<JsonObject> RenderViewAsync(
        IServiceProvider services, long reference, string state, JsonObject blob,
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken);

    /// <summary>Runs the event's handler.</summary>
    public abstract Task<HandlerOutcome> HandleAsync(IServiceProvider services, EventDefinition definition, HandlerInput input, CancellationToken cancellationToken);

    /// <summary>The common case of every style: no handler stores the proposed data and state.</summary>
    protected static HandlerOutcome WithoutHandler(HandlerInput input) =>
        new(RuntimeResult.NoHandler, input.ProposedState, input.Proposed);
}
