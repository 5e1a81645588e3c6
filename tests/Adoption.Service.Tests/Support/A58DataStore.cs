using System.Text.Json.Nodes;
using Ccd.Runtime.Testing;

namespace Adoption.Service.Tests.Support;

/// <summary>CCD's data store calling the adoption service about A58, through the harness package's client.</summary>
internal static class A58DataStore
{
    public static readonly CcdCaseType CaseType = new("A58", "ADOPTION");

    /// <summary>CCD calling for user <paramref name="userId"/> with <paramref name="roles"/> and <paramref name="courts"/>.</summary>
    public static CcdDataStoreClient Ccd(this AdoptionApp app, string userId, string[] roles, params string[] courts) =>
        app.App.Host.DataStore(CaseType, userId, roles, courts);

    /// <summary>CCD's <c>submitApplication</c> creating case <paramref name="reference"/>, with the TTL CCD resolved (none by default).</summary>
    public static Task<CcdAnswer> SubmitApplicationAsync(this CcdDataStoreClient ccd, long reference, JsonObject data, string? resolvedTtl = null) =>
        ccd.CreateAsync(reference, "submitApplication", "APPLICATION", data, new CcdSubmitOptions { ResolvedTtl = resolvedTtl });
}
