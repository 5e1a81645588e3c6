using Ccd.Runtime.Configuration;
using Microsoft.Extensions.Configuration;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Jobs;

/// <summary>Adds the job worker to the runtime (called once by <c>AddCcdRuntime</c>).</summary>
internal static class JobsRegistration
{
    public static IServiceCollection AddCcdJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = services.AddCcdOptions<JobOptions>(configuration, JobOptions.SectionName, JobOptions.Check);
        services.AddCcdWorkers(configuration);
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<JobKinds>();
        services.AddSingleton<JobWorker>();
        if (options.Enabled)
        {
            services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
        }

        return services;
    }
}
