using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ccd.Runtime.CaseTypes;

/// <summary>A case type declared in code: a case class, a state enum (labels from <c>[Display(Name = ...)]</c>), a view and handlers.</summary>
internal sealed class TypedCaseType<TCase, TState> : CaseTypeDefinition
    where TCase : class
    where TState : struct, Enum
{
    private readonly Dictionary<string, TState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly Type? _view;

    public TypedCaseType(string id, string jurisdiction, string? hmctsServiceId, Type? view, IReadOnlyList<EventDefinition> events)
        : base(id, jurisdiction, hmctsServiceId, events)
    {
        _view = view;
        foreach (var field in typeof(TState).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            _states[field.Name] = (TState)field.GetValue(null)!;
            _labels[field.Name] = field.GetCustomAttribute<DisplayAttribute>()?.GetName() ?? field.Name;
        }
    }

    public override Type? ViewType => _view;

    public override IEnumerable<Type> ServiceTypes =>
        Events.Values.Select(e => e.HandlerType).Append(_view).OfType<Type>();

    public override bool IsKnownState(string state) => _states.ContainsKey(state);

    public override string StateName(string state) => _labels.GetValueOrDefault(state, state);

    protected override async ValueTask<JsonObject> RenderViewAsync(
        IServiceProvider services, long reference, string state, JsonObject blob,
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        if (_view is null)
        {
            return blob;
        }

        if (!_states.TryGetValue(state, out var typedState))
        {
            throw new InvalidOperationException($"Case {reference} is in state '{state}', which is not a member of {typeof(TState).Name}.");
        }

        var view = (ICaseView<TCase, TState>)services.GetRequiredService(_view);
        var typed = blob.Deserialize<TCase>(CaseJson.Options)
            ?? throw new InvalidOperationException($"The stored data of case {reference} is not a {typeof(TCase).Name}.");
        var rendered = await view.RenderAsync(new CaseViewContext<TCase, TState>(reference, typedState, typed, connection, transaction), cancellationToken)
            ?? throw new InvalidOperationException($"{_view.Name} rendered no case for case {reference}.");
        return CaseJson.Write(rendered);
    }

    public override async Task<HandlerOutcome> HandleAsync(IServiceProvider services, EventDefinition definition, HandlerInput input, CancellationToken cancellationToken)
    {
        switch (definition.HandlerKind)
        {
            case HandlerKind.Submit:
                var handler = (ISubmitHandler<TCase, TState>)services.GetRequiredService(definition.HandlerType!);
                var context = new SubmitContext<TCase, TState>(
                    input.Core,
                    input.Before is null ? null : CaseJson.Read<TCase>(input.Before, "case_details_before.case_data"),
                    input.StateBefore is not null && _states.TryGetValue(input.StateBefore, out var before) ? before : null,
                    CaseJson.Read<TCase>(input.Proposed, "case_details.case_data"),
                    _states[input.ProposedState],
                    input.Current is null ? null : CaseJson.Read<TCase>(input.Current, "stored case"));
                var result = await handler.SubmitAsync(context, cancellationToken);
                return result.Refused()
                    ? HandlerOutcome.Refused(result, input)
                    : new HandlerOutcome(result, result.State?.ToString() ?? input.ProposedState,
                        result.Data is { } data ? CaseJson.Write(data) : input.StoredBlob);
            case HandlerKind.Blob:
                var blobHandler = (IBlobHandler)services.GetRequiredService(definition.HandlerType!);
                var blobResult = await blobHandler.HandleAsync(
                    new BlobContext(input.Core, input.Before, input.StateBefore, input.Proposed, input.ProposedState, input.Current?.DeepClone().AsObject()), cancellationToken);
                if (blobResult.Refused())
                {
                    return HandlerOutcome.Refused(blobResult, input);
                }

                var state = blobResult.State ?? input.ProposedState;
                if (!IsKnownState(state))
                {
                    throw new InvalidOperationException($"{definition.HandlerType!.Name} returned state '{state}', which is not a member of {typeof(TState).Name}.");
                }

                return new HandlerOutcome(
                    blobResult,
                    state,
                    blobResult.Data ?? throw new InvalidOperationException($"{definition.HandlerType!.Name} returned no data."));
            default:
                return WithoutHandler(input);
        }
    }
}
