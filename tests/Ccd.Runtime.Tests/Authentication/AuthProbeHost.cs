using Ccd.Runtime.Commands;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.Hosting;
using Ccd.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ccd.Runtime.Testing;

namespace Ccd.Runtime.Tests.Authentication;

/// <summary>A service with one route per policy that answers the resolved user, standing in for the real endpoints.</summary>
internal static class AuthProbeHost
{
    public const string PersistencePath = "/probe/persistence";
    public const string UserPath = "/probe/user";

    public static CcdServiceDefinition Definition { get; } = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime(),
        ConfigureApp = app =>
        {
            app.MapGroup(PersistencePath).RequireCcdPersistenceCaller().MapGet("/", Describe);
            app.MapGroup(UserPath).RequireCcdUser().MapGet("/", Describe);
        },
    };

    /// <summary>Starts the probe in TEST (or in the environment <paramref name="configuration"/> names) on a fresh database.</summary>
    public static async Task<TestServiceApp> StartAsync(PostgresServer postgres, IDictionary<string, string?>? configuration = null)
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>(configuration ?? new Dictionary<string, string?>()) { ["DEV_DATABASE_URL"] = database };
        return await TestServiceApp.StartAsync(Definition, database, settings);
    }

    private static async Task<IResult> Describe(HttpContext context, ICcdUserResolver users) =>
        TypedResults.Ok(await users.ResolveAsync(context, context.RequestAborted));
}
