using System.Linq.Expressions;

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
    /// Publishes the case field <paramref name="field"/> (<c>c => c.CourtCode</c>) of the case view's rendering in the
    /// message's <c>AdditionalData</c>: its id is the member's JSON name (camelCase or <c>[JsonPropertyName]</c>), its
    /// CCD field type follows from the member's .NET type (<see cref="string"/> <c>Text</c>, <see cref="DateOnly"/>
    /// <c>Date</c>, <see cref="DateTime"/> and <see cref="DateTimeOffset"/> <c>DateTime</c>, <see cref="bool"/>
    /// <c>YesOrNo</c>, <see cref="MoneyGBP"/> <c>MoneyGBP</c>, numbers <c>Number</c>). Implies <see cref="Publish"/>.
    /// </summary>
    /// <remarks>
    /// An expression that is not a member of the case class, or a type with no CCD type to infer, stops start-up with
    /// one line naming the case type, event and field; name the type with the other overload.
    /// </remarks>
    public EventBuilder<TCase, TState> PublishedField<TField>(Expression<Func<TCase, TField>> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (PublishedMember(field) is not { } member)
        {
            return this;
        }

        var clrType = Nullable.GetUnderlyingType(typeof(TField)) ?? typeof(TField);
        if (CaseTypes.PublishedField.InferType(clrType) is not { } type)
        {
            Problems.Add($"published field {CaseJson.FieldName(member)} has .NET type {Shown(clrType)}, whose CCD field type cannot be inferred; name it, as in PublishedField(c => c.{member.Name}, \"Email\").");
            return this;
        }

        return Published(CaseJson.FieldName(member), type);
    }

    /// <summary>
    /// Publishes the case field <paramref name="field"/> with the CCD field type <paramref name="type"/> (<c>Text</c>,
    /// <c>TextArea</c>, <c>Email</c>, <c>PhoneUK</c>, <c>Postcode</c>, <c>FixedList</c>, <c>Number</c>,
    /// <c>MoneyGBP</c>, <c>Date</c>, <c>DateTime</c>, <c>YesOrNo</c>, <c>Document</c>, ...). Implies <see cref="Publish"/>.
    /// </summary>
    /// <remarks>A type the publisher does not know stops start-up with one line naming the case type, event and field.</remarks>
    public EventBuilder<TCase, TState> PublishedField<TField>(Expression<Func<TCase, TField>> field, string type)
    {
        ArgumentNullException.ThrowIfNull(field);
        return PublishedMember(field) is { } member ? Published(CaseJson.FieldName(member), type) : this;
    }

    private EventBuilder<TCase, TState> Published(string name, string type)
    {
        if (!CaseTypes.PublishedField.IsKnownType(type))
        {
            Problems.Add($"published field {name} has type '{type}', which is not a CCD field type that can be published; use one of {CaseTypes.PublishedField.KnownTypes}.");
            return this;
        }

        _publishedFields.Add(new PublishedField(name, type));
        _publish = true;
        return this;
    }

    private static string Shown(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Shown))}>" : type.Name;

    // c => c.Member (a property or field of the case class itself); a conversion the compiler added (to object) is looked through.
    private System.Reflection.MemberInfo? PublishedMember(LambdaExpression field)
    {
        var body = field.Body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert ? convert.Operand : field.Body;
        if (body is MemberExpression { Member: System.Reflection.PropertyInfo or System.Reflection.FieldInfo } access && access.Expression == field.Parameters[0])
        {
            return access.Member;
        }

        Problems.Add($"published field '{field}' is not a member of {typeof(TCase).Name}; write it as c => c.Field, a top-level field of the case.");
        return null;
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
