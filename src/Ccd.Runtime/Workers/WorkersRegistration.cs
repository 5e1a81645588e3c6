using Ccd.Runtime.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccd.Runtime.Workers;

/// <summary>Adds the one supervisor of background loops and its readiness check; every feature with a loop calls it, only the first call registers.</summary>
internal static class WorkersRegistration
{
    public static IServiceCollection AddCcdWorkers(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(descriptor => descriptor.ServiceType == typeof(WorkerSupervisor)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddCcdOptions<WorkerOptions>(configuration, WorkerOptions.SectionName, WorkerOptions.Check);
        services.AddSingleton<WorkerSupervisor>();
        services.AddHealthChecks().AddCheck<WorkersHealthCheck>("background-loops", tags: ["ready"]);
        return services;
    }
}
