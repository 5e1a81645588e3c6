using Ccd.Runtime.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Ccd.Runtime.CentralCcd;

/// <summary>Registers the CCD client (<see cref="CcdDataStoreClient"/> and its IdAM and S2S tokens); it only calls out once configured.</summary>
internal static class CentralCcdRegistration
{
    public static void AddCentralCcd(this IServiceCollection services, IConfiguration configuration)
    {
        var options = services.AddCcdOptions<CentralCcdOptions>(configuration, CentralCcdOptions.SectionName, CentralCcdOptions.Check);
        services.AddSingleton<IdamSystemUser>();
        services.AddSingleton<S2sServiceToken>();
        services.AddSingleton<CcdDataStoreClient>();
        foreach (var name in new[] { CcdDataStoreClient.HttpClientName, IdamSystemUser.HttpClientName, S2sServiceToken.HttpClientName })
        {
            services.AddHttpClient(name, http => http.Timeout = Timeout.InfiniteTimeSpan) // the pipeline owns the timeouts
                .AddResilienceHandler(name, pipeline =>
                {
                    // Transport back-off runs on real time whatever clock the application is given.
                    pipeline.TimeProvider = TimeProvider.System;
                    var total = TimeSpan.FromSeconds(Math.Clamp(options.RequestTimeoutSeconds, 1, 600));
                    pipeline.AddTimeout(total);
                    if (options.Retries > 0)
                    {
                        // Reads and token requests are safe to repeat; a resubmitted event carries the same start token,
                        // which CCD turns into the same idempotency key.
                        pipeline.AddRetry(new HttpRetryStrategyOptions
                        {
                            MaxRetryAttempts = Math.Min(options.Retries, 10),
                            BackoffType = DelayBackoffType.Exponential,
                            UseJitter = true,
                            Delay = TimeSpan.FromMilliseconds(200),
                        });
                    }

                    pipeline.AddTimeout(TimeSpan.FromMilliseconds(Math.Max(500, total.TotalMilliseconds / (Math.Max(options.Retries, 0) + 1))));
                });
        }
    }
}
