using Ccd.Runtime.Hosting;
using Ccd.Runtime.Schema;

namespace Adoption.Service.Hosting;

/// <summary>The adoption service as a host on the CCD runtime: its services, endpoints and schema.</summary>
public static class AdoptionHost
{
    /// <summary>The adoption schema's migrations, applied after the runtime's.</summary>
    public static MigrationSource Migrations { get; } = new("adoption", typeof(AdoptionHost).Assembly, "Adoption.Service.Migrations.");

    /// <summary>What <c>Program.cs</c> runs.</summary>
    public static CcdHostDefinition Definition { get; } = new()
    {
        Description = "Adoption case service (case type A58) on the CCD runtime.",
        ConfigureServices = builder => builder.AddCcdRuntime().AddMigrations(Migrations),
        ConfigureApp = _ => { },
    };
}
