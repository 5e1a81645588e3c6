namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// The id of a case state, such as <c>Submitted</c>, as the service-event and callback APIs take it. A string
/// converts to it implicitly, as for <see cref="CaseTypeId"/>; a typed case type's state enum member gives its
/// name through <see cref="Of{TState}(TState)"/>.
/// </summary>
/// <param name="Value">The state as CCD knows it.</param>
public readonly record struct StateId(string Value)
{
    /// <summary>The state id <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static implicit operator StateId(string value) => FromString(value);

    /// <summary>The state id <paramref name="value"/> (the named form of the conversion).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static StateId FromString(string value) => new(value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>The state id of a state enum member: its name, as a typed case type stores it.</summary>
    public static StateId Of<TState>(TState state)
        where TState : struct, Enum => new(state.ToString());

    /// <summary>The id.</summary>
    public override string ToString() => Value;
}
