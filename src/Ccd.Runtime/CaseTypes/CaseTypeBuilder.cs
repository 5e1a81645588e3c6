namespace Ccd.Runtime.CaseTypes;

/// <summary>Declares a case type in code (see <c>AddCaseType</c> on the runtime builder).</summary>
/// <typeparam name="TCase">The case class: CCD's case data, camelCase field ids unless <c>[JsonPropertyName]</c> says otherwise.</typeparam>
/// <typeparam name="TState">The state enum; member names are CCD's state ids, <c>[Display(Name = ...)]</c> gives the label.</typeparam>
public sealed class CaseTypeBuilder<TCase, TState>
    where TCase : class
    where TState : struct, Enum
{
    private readonly string _id;
    private readonly string _jurisdiction;
    private readonly List<EventDefinition> _events = [];
    private readonly List<string> _problems = [];
    private string? _hmctsServiceId;
    private Type? _view;

    internal CaseTypeBuilder(string id, string jurisdiction)
    {
        _id = id;
        _jurisdiction = jurisdiction;
    }

    /// <summary>The mistakes found in the declaration, each one line naming the case type (and event); reported at start-up.</summary>
    internal IReadOnlyList<string> Problems => [.. StateProblems(), .. _problems];

    /// <summary>The HMCTS service id merged into every case's <c>supplementary_data</c> as <c>HMCTSServiceId</c> (global search filters on it).</summary>
    public CaseTypeBuilder<TCase, TState> HmctsServiceId(string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        _hmctsServiceId = serviceId;
        return this;
    }

    /// <summary>Renders <c>case_data</c> with <typeparamref name="TView"/>; without a view CCD sees the stored blob.</summary>
    public CaseTypeBuilder<TCase, TState> View<TView>()
        where TView : class, ICaseView<TCase, TState>
    {
        _view = typeof(TView);
        return this;
    }

    /// <summary>Declares the event <paramref name="id"/>; a mistake in it (declared twice, a bad published field) stops start-up with one line.</summary>
    public CaseTypeBuilder<TCase, TState> Event(string id, Action<EventBuilder<TCase, TState>>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var builder = new EventBuilder<TCase, TState>(id);
        configure?.Invoke(builder);
        var definition = builder.Build();
        _problems.AddRange(builder.Problems.Select(problem => $"Case type {_id}, event {id}: {problem}"));
        if (_events.Any(e => e.Id == definition.Id))
        {
            _problems.Add($"Case type {_id}, event {id}: declared twice; declare each event once.");
        }
        else
        {
            _events.Add(definition);
        }

        return this;
    }

    internal CaseTypeDefinition Build() => new TypedCaseType<TCase, TState>(_id, _jurisdiction, _hmctsServiceId, _view, _events);

    // A state is stored by its member name and a typed handler's answer by its value: two names for one value, or
    // no member at all, would store a state the declaration never meant.
    private IEnumerable<string> StateProblems()
    {
        var names = Enum.GetNames<TState>();
        if (names.Length == 0)
        {
            yield return $"Case type {_id}: state enum {typeof(TState).Name} has no members; declare at least one state.";
        }

        foreach (var shared in names.GroupBy(name => Enum.Parse<TState>(name)).Where(group => group.Count() > 1))
        {
            yield return $"Case type {_id}: states {string.Join(" and ", shared)} of {typeof(TState).Name} share one value; give each state its own value.";
        }
    }
}
