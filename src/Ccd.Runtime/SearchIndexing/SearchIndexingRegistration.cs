using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>Registers search indexing: always the queue metrics and health check; the worker and its client only when a URL is set.</summary>
internal static class SearchIndexingRegistration
{
    public static void AddSearchIndexing(IServiceCollection services, IConfiguration configuration)
    {
        var options = services.AddCcdOptions<SearchIndexingOptions>(configuration, SearchIndexingOptions.SectionName, SearchIndexingOptions.Check);
        services.AddCcdWorkers(configuration);
        services.AddSingleton<SearchIndexingMetrics>();
        services.AddHostedService<QueueSampler>();
        services.AddHealthChecks().AddCheck<SearchIndexHealthCheck>("search-indexing", tags: ["ready"]);
        if (!options.Enabled)
        {
            return;
        }

        services.AddSingleton<WakeSignal>();
        services.AddSingleton<QueueNotificationListener>();
        services.AddSingleton<SearchIndexer>();
        services.AddHostedService<SearchIndexingWorker>();
        services.AddHttpClient<ISearchIndexClient, ElasticsearchBulkClient>(http =>
            {
                http.BaseAddress = new Uri(options.Url!.TrimEnd('/') + "/");
                // The resilience pipeline owns the timeouts.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.Authorization = Authorization(options);
            })
            .ConfigurePrimaryHttpMessageHandler(() => PrimaryHandler(options))
            // The handler lives as long as the singleton indexer that holds the client; connections are recycled instead.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("ccd-elasticsearch", pipeline =>
            {
                var total = TimeSpan.FromSeconds(options.RequestTimeoutSeconds);
                pipeline.AddTimeout(total);
                if (options.TransportRetries > 0)
                {
                    // _bulk with external versions is idempotent, so a POST may be retried; 429/5xx/connection failures only.
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.TransportRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(200),
                    });
                }

                pipeline.AddTimeout(TimeSpan.FromMilliseconds(Math.Max(100, total.TotalMilliseconds / (options.TransportRetries + 1))));
            });
    }

    private static AuthenticationHeaderValue? Authorization(SearchIndexingOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            return new AuthenticationHeaderValue("ApiKey", options.ApiKey);
        }

        return options.Username is null
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
    }

    private static SocketsHttpHandler PrimaryHandler(SearchIndexingOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (options.CertificateAuthorityPath is { } path)
        {
            var authority = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(authority, certificate, errors),
            };
        }

        return handler;
    }

    // Accepts a chain that ends at the configured authority; host name mismatches are never forgiven.
    private static bool TrustedBy(X509Certificate2 authority, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is not X509Certificate2 presented)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }
}
