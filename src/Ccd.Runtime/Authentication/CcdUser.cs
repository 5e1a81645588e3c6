namespace Ccd.Runtime.Authentication;

/// <summary>The person behind a request, resolved from the verified user token (and the identity provider's userinfo for names).</summary>
/// <param name="Id">The identity provider's user id: the <c>uid</c> claim, else <c>sub</c>.</param>
/// <param name="FirstName">From <c>given_name</c>, else userinfo, else empty.</param>
/// <param name="LastName">From <c>family_name</c>, else userinfo, else empty.</param>
/// <param name="Roles">The values of the <c>roles</c> claim (a JSON array or repeated claims).</param>
/// <param name="Courts">The values of the <c>courts</c> claim (a JSON array or repeated claims).</param>
public sealed record CcdUser(string Id, string FirstName, string LastName, IReadOnlyList<string> Roles, IReadOnlyList<string> Courts);
