using Adoption.Service.Hosting;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Endpoints;
using Ccd.Runtime.Testing;

namespace Adoption.Service.Tests.Support;

/// <summary>The adoption service as its <c>Program.cs</c> builds it, for the in-memory test host (the process tests run the binary itself, and <c>ProgramFactoryTests</c> the real <c>Program</c>).</summary>
internal static class AdoptionDefinition
{
    public static CcdServiceDefinition Service { get; } = new()
    {
        ConfigureServices = builder => builder.AddCcdRuntime().AddAdoption(),
        ConfigureApp = app =>
        {
            app.MapCcdPersistence();
            app.MapAdoptionApi();
        },
    };
}
