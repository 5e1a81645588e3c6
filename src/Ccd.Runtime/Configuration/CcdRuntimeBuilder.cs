using System.Reflection;
using Ccd.Runtime.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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

    /// <summary>
    /// Adds a service's own migrations; they run after the runtime's, in the same runner and journal. A source
    /// without scripts (a wrong prefix, a folder not embedded) stops start-up with one line naming the module and
    /// where the scripts were looked for.
    /// </summary>
    public CcdRuntimeBuilder AddMigrations(MigrationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Scripts.Count == 0)
        {
            Services.TryAddSingleton(new StartupFailure(new CcdStartupException(
                $"Migrations of module {source.Module}: no scripts found ({source.LookedFor}); embed the service's Migrations/*.sql or fix the prefix.")));
        }

        Services.AddSingleton(source);
        return this;
    }

    /// <summary>Adds the migrations <paramref name="assembly"/> embeds by convention (see <see cref="MigrationSource.FromAssembly"/>).</summary>
    public CcdRuntimeBuilder AddMigrations(Assembly assembly, string? module = null) => AddMigrations(MigrationSource.FromAssembly(assembly, module));
}
