namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// An item of a CCD collection field: <c>{"id": "...", "value": {...}}</c>. CCD leaves <see cref="Id"/> null on an
/// item the user has just added; give it one (a GUID) when the service stores the item.
/// </summary>
/// <typeparam name="T">The item's value: a complex type (a class) or a simple one (text, a date, money).</typeparam>
/// <param name="Id">The item's id; null for an item CCD has not seen stored yet.</param>
/// <param name="Value">The item's value.</param>
public sealed record ListValue<T>(string? Id, T Value);
