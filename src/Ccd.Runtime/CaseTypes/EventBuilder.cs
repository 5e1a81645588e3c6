namespace Ccd.Runtime.CaseTypes;

/// <summary>Declares one event of a case type (see <see cref="CaseTypeBuilder{TCase, TState}.Event"/>).</summary>
/// <typeparam name="TCase">The case class.</typeparam>
/// <typeparam name="TState">The state enum.</typeparam>
public sealed class EventBuilder<TCase, TState>
    where TCase : class
    where TState : struct, Enum
{
    private readonly string _id;
    private readonly List<PublishedField> _publishedFields = [];
    private readonly Dictionary<string, Type> _midEvent = new(StringComparer.Ordinal);
    private string? _name;
    private bool _publish;
    private bool _additive;
    private bool? _nonConcurrent;
    private HandlerKind _kind;
    private Type? _handler;
    private Type? _aboutToStart;

    internal EventBuilder(string id) => _id = id;

    /// <summary>The mistakes found in the declaration of this event, reported at start-up.</summary>
    internal List<string> Problems { get; } = [];

    /// <summary>The event's display name (history's <c>event_name</c>); defaults to the id.</summary>
    public EventBuilder<TCase, TState> Name(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
        return this;
    }

    /// <summary>Runs <typeparamref name="THandler"/> (a typed submit handler) inside the event's transaction.</summary>
    public EventBuilder<TCase, TState> Handler<THandler>()
        where THandler : class, ISubmitHandler<TCase, TState>
    {
        _kind = HandlerKind.Submit;
        _handler = typeof(THandler);
        return this;
    }

    /// <summary>Runs <typeparamref name="THandler"/> (case data in, case data out) inside the event's transaction; its output replaces the stored blob.</summary>
    public EventBuilder<TCase, TState> BlobHandler<THandler>()
        where THandler : class, IBlobHandler
    {
        _kind = HandlerKind.Blob;
        _handler = typeof(THandler);
        return this;
    }

    /// <summary>Publishes a message (the outbox) for every committed event of this kind.</summary>
    public EventBuilder<TCase, TState> Publish(bool publish = true)
    {
        _publish = publish;
        return this;
    }

    /// <summary>
    /// Publishes the case field <paramref name="name"/> of the case view's rendering in the message's
    /// <c>AdditionalData</c>, with its CCD field type (<c>Text</c>, <c>Number</c>, <c>MoneyGBP</c>, <c>Date</c>,
    /// <c>DateTime</c>, <c>YesOrNo</c>, ...). Implies <see cref="Publish"/>.
    /// </summary>
    /// <remarks>An empty name or a type the publisher does not know stops start-up with one line naming the case type, event and field.</remarks>
    public EventBuilder<TCase, TState> PublishedField(string name, string type = "Text")
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            Problems.Add("a published field has no name; name the case field to publish.");
            return this;
        }

        if (!CaseTypes.PublishedField.IsKnownType(type))
        {
            Problems.Add($"published field {name} has type '{type}', which is not a CCD field type that can be published; use one of {CaseTypes.PublishedField.KnownTypes}.");
            return this;
        }

        _publishedFields.Add(new PublishedField(name, type));
        _publish = true;
        return this;
    }

    /// <summary>Declares the event additive (such as adding a note): it never conflicts on a stale version.</summary>
    public EventBuilder<TCase, TState> Additive(bool additive = true)
    {
        _additive = additive;
        return this;
    }

    /// <summary>
    /// Declares whether the event may interleave with others. A non-concurrent event is refused with 409 when any
    /// event committed after the revision its user started from (<c>start_revision</c>), such as one that writes back
    /// a whole collection edited in CCD's UI. Events with a blob handler are non-concurrent unless declared otherwise:
    /// their about-to-submit code assumed CCD's own serialisation.
    /// </summary>
    public EventBuilder<TCase, TState> NonConcurrent(bool nonConcurrent = true)
    {
        _nonConcurrent = nonConcurrent;
        return this;
    }

    /// <summary>Answers CCD's about-to-start callback for this event with <typeparamref name="THandler"/>.</summary>
    public EventBuilder<TCase, TState> AboutToStart<THandler>()
        where THandler : class, ICallbackHandler
    {
        _aboutToStart = typeof(THandler);
        return this;
    }

    /// <summary>Answers CCD's mid-event callback for page <paramref name="pageId"/> of this event with <typeparamref name="THandler"/>.</summary>
    public EventBuilder<TCase, TState> MidEvent<THandler>(string pageId)
        where THandler : class, ICallbackHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pageId);
        _midEvent[pageId] = typeof(THandler);
        return this;
    }

    internal EventDefinition Build() => new()
    {
        Id = _id,
        Name = _name ?? _id,
        Publish = _publish,
        Additive = _additive,
        NonConcurrent = _nonConcurrent ?? _kind == HandlerKind.Blob,
        PublishedFields = _publishedFields.ToArray(),
        HandlerKind = _kind,
        HandlerType = _handler,
        AboutToStartHandler = _aboutToStart,
        MidEventHandlers = new Dictionary<string, Type>(_midEvent, StringComparer.Ordinal),
    };
}
