using Ccd.Runtime.Hosting;
using System.CommandLine;
using Microsoft.AspNetCore.Builder;

namespace Ccd.Runtime.Commands;

/// <summary>What a service adds to the runtime's host: its services, its endpoints and any commands of its own.</summary>
public sealed class CcdHostDefinition
{
    /// <summary>A one-line description shown by <c>--help</c>.</summary>
    public string Description { get; init; } = "A CCD case service.";

    /// <summary>Registers the service (it should call <c>AddCcdRuntime</c>).</summary>
    public required Action<WebApplicationBuilder> ConfigureServices { get; init; }

    /// <summary>Maps the service's endpoints (it should call <c>MapCcdPersistence</c>).</summary>
    public required Action<WebApplication> ConfigureApp { get; init; }

    /// <summary>The service's own commands, added beside the runtime's.</summary>
    public IReadOnlyList<Func<CcdCommandContext, Command>> Commands { get; init; } = [];
}
