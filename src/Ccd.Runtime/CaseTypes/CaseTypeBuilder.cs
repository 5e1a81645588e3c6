namespace Ccd.Runtime.CaseTypes;

/// <summary>Declares a case type in code (see <see cref="CaseTypeRegistration.AddCaseType"/>).</summary>
/// <typeparam name="TCase">The case class: CCD's case data, camelCase field ids unless <c>[JsonPropertyName]</c> says otherwise.</typeparam>
/// <typeparam name="TState">The state enum; member names are CCD's state ids, <c>[Display(Name = ...)]</c> gives the label.</typeparam>
public sealed class CaseTypeBuilder<TCase, TState>
    where TCase : class
    where TState : struct, Enum
{
    private readonly string _id;
    private readonly string _jurisdiction;
    private readonly List<EventDefinition> _events = [];
    private string? _hmctsServiceId;
    private Type? _view;

    internal CaseTypeBuilder(string id, string jurisdiction)
    {
        _id = id;
        _jurisdiction = jurisdiction;
    }

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

    /// <summary>Declares the event <paramref name="id"/>.</summary>
    public CaseTypeBuilder<TCase, TState> Event(string id, Action<EventBuilder<TCase, TState>>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var builder = new EventBuilder<TCase, TState>(id);
        configure?.Invoke(builder);
        _events.Add(builder.Build());
        return this;
    }

    internal CaseTypeDefinition Build() => new TypedCaseType<TCase, TState>(_id, _jurisdiction, _hmctsServiceId, _view, _events);
}
