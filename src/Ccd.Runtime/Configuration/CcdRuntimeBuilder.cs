using Ccd.Runtime.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Configuration;

/// <summary>Returned by <c>AddCcdRuntime</c>: adds a service's own schema and its case types to the runtime.</summary>
public sealed class CcdRuntimeBuilder
{
    internal CcdRuntimeBuilder(WebApplicationBuilder host, AppEnvironment environment)
    {
        Host = host;
        Environment = environment;
    }

    /// <summary>The host being built.</summary>
    public WebApplicationBuilder Host { get; }

    /// <summary>The service collection of the host.</summary>
    public IServiceCollection Services => Host.Services;

    /// <summary>The configuration of the host.</summary>
    public IConfiguration Configuration => Host.Configuration;

    /// <summary>The environment named by <c>APP_ENV</c>.</summary>
    public AppEnvironment Environment { get; }

    /// <summary>Adds a service's own migrations; they run after the runtime's, in the same runner and journal.</summary>
    public CcdRuntimeBuilder AddMigrations(MigrationSource source)
    {
        Services.AddSingleton(source);
        return this;
    }
}
