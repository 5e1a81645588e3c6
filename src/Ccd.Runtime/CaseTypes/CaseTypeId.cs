namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// The id of a case type, such as <c>A58</c>, as the service-event API takes it. A string converts to it implicitly,
/// so a service declares its ids once as constants and passes them where a <see cref="CaseTypeId"/> is asked for.
/// </summary>
/// <param name="Value">The id as the case type was declared.</param>
public readonly record struct CaseTypeId(string Value)
{
    /// <summary>The case type id <paramref name="value"/>.</summary>
    public static implicit operator CaseTypeId(string value) => new(value);

    /// <summary>The case type id <paramref name="value"/> (the named form of the conversion).</summary>
    public static CaseTypeId FromString(string value) => new(value);

    /// <summary>The id.</summary>
    public override string ToString() => Value;
}
