namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// The id of an event declared on a case type, such as <c>addNote</c>, as the service-event API takes it. A string
/// converts to it implicitly, as for <see cref="CaseTypeId"/>.
/// </summary>
/// <param name="Value">The id as the event was declared.</param>
public readonly record struct EventId(string Value)
{
    /// <summary>The event id <paramref name="value"/>.</summary>
    public static implicit operator EventId(string value) => new(value);

    /// <summary>The event id <paramref name="value"/> (the named form of the conversion).</summary>
    public static EventId FromString(string value) => new(value);

    /// <summary>The id.</summary>
    public override string ToString() => Value;
}
