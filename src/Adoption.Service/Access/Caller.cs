using Ccd.Runtime.Hosting;
using System.Reflection;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Adoption.Service.Access;

/// <summary>
/// The user behind a request, resolved once from the bearer token: id, roles and the courts of the
/// <c>courts</c> claim. It only carries facts; what they allow is decided in SQL (<see cref="CaseAccessSql"/>).
/// An endpoint gets it as a handler parameter.
/// </summary>
internal sealed record Caller(CcdUser User, IReadOnlySet<string> Roles, IReadOnlyList<string> Courts) : IBindableFromHttpContext<Caller>
{
    /// <summary>The longest user id the actor columns (<c>created_by</c>, <c>actor</c>, ...) can record.</summary>
    public const int MaxUserIdLength = 64;

    public static Caller From(CcdUser user) => new(
        user,
        user.Roles.Select(role => role.Trim()).ToHashSet(StringComparer.Ordinal),
        user.Courts.Select(court => court.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToArray());

    public string Id => User.Id;

    /// <summary>The caller of a request, from the runtime's authenticated user.</summary>
    public static async ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = await context.GetCcdUserAsync(context.RequestAborted);
        // Refused before anything runs: a write would fail on its audit row (a 500), and a read would act for an
        // identity this service could never record.
        return user.Id.Length > MaxUserIdLength
            ? throw new ProblemException(401, "unauthenticated", "Authentication is required.",
                $"The token's user id is longer than {MaxUserIdLength} characters, which this service cannot record.")
            : From(user);
    }

    public bool IsAdmin => Roles.Contains(AdoptionRoles.Admin);

    public bool IsCaseworker => Roles.Contains(AdoptionRoles.Caseworker);

    public bool IsJudge => Roles.Contains(AdoptionRoles.Judge);

    public bool IsAdopter => Roles.Contains(AdoptionRoles.Adopter);

    /// <summary>Retention's system user, who runs CCD's disposal events (it sees no court and is assigned to nothing).</summary>
    public bool IsSystemUpdate => Roles.Contains(AdoptionRoles.SystemUpdate);

    /// <summary>Adds the parameters every statement using <see cref="CaseAccessSql"/> reads.</summary>
    public void AddParameters(NpgsqlParameterCollection parameters)
    {
        parameters.AddWithValue("caller_id", NpgsqlDbType.Varchar, Id);
        parameters.AddWithValue("caller_admin", IsAdmin);
        parameters.AddWithValue("caller_caseworker", IsCaseworker);
        parameters.AddWithValue("caller_judge", IsJudge);
        parameters.AddWithValue("caller_courts", NpgsqlDbType.Array | NpgsqlDbType.Varchar, Courts.ToArray());
        parameters.AddWithValue("caller_roles", NpgsqlDbType.Array | NpgsqlDbType.Varchar, Roles.ToArray());
    }
}

/// <summary>The role names of the adoption service, as they appear in the token's <c>roles</c> claim.</summary>
internal static class AdoptionRoles
{
    public const string Admin = "admin";
    public const string Caseworker = "caseworker";
    public const string Judge = "judge";
    public const string SocialWorker = "social-worker";
    public const string Adopter = "adopter";
    public const string Cafcass = "cafcass";

    /// <summary>CCD's system-update role of the adoption jurisdiction: the system user retention runs CCD's disposal events as.</summary>
    public const string SystemUpdate = "caseworker-adoption-systemupdate";

    /// <summary>The roles that reach a case through an assignment (the values of <c>case_assignments.role</c>).</summary>
    public static readonly IReadOnlyList<string> Assignable = [SocialWorker, Adopter, Cafcass];
}
