namespace Adoption.Service.CaseWrites;

/// <summary>A member a patch sets: <see cref="IsSet"/> false leaves the field as it is.</summary>
internal readonly record struct Change<T>(bool IsSet, T Value)
{
    public static Change<T> To(T value) => new(true, value);

    public T Or(T current) => IsSet ? Value : current;
}
