using Ccd.Runtime.Commands;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Ccd.Runtime.Testing;

/// <summary>
/// A service on the runtime as its <c>Program.cs</c> builds it, in two steps a test can run: the registrations
/// (<c>AddCcdRuntime</c> and the service's own) and the mapping (<c>MapCcdPersistence</c> and the service's own).
/// <see cref="CcdTestHost"/> starts it in memory; <see cref="RunAsync"/> runs its command line in process.
/// </summary>
public sealed class CcdServiceDefinition
{
    /// <summary>Registers the service (it calls <c>AddCcdRuntime</c>).</summary>
    public required Action<WebApplicationBuilder> ConfigureServices { get; init; }

    /// <summary>Maps the service's endpoints (it calls <c>MapCcdPersistence</c>, or nothing).</summary>
    public required Action<WebApplication> ConfigureApp { get; init; }

    /// <summary>Builds the application for <paramref name="args"/> as <c>Program.cs</c> does; <paramref name="customize"/> runs first.</summary>
    public WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(args);
        customize?.Invoke(builder);
        ConfigureServices(builder);
        var app = builder.Build();
        app.UseCcdRuntime();
        ConfigureApp(app);
        return app;
    }

    /// <summary>Runs the command line <paramref name="args"/> (<c>migrate</c>, <c>outbox parked</c>, ...) as the service's binary would; returns its exit code.</summary>
    public Task<int> RunAsync(params string[] args) => Build(args).RunCcdAsync(args);
}
