using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Ccd.Runtime.Publishing;

/// <summary>Registers the outbox publisher (<c>AddCcdRuntime</c> calls it; a host without the rest of the runtime may call it alone).</summary>
internal static class PublishingRegistration
{
    /// <summary>
    /// Registers publishing of <c>ccd.message_queue_candidates</c> to an AMQP 1.0 broker, configured by the
    /// <c>Ccd:Publishing</c> section. The background publisher and its start-up check are added only when publishing
    /// is enabled (<c>Ccd:Publishing:Enabled</c>, or a broker named by <c>Ccd:Publishing:Address</c> or
    /// <c>Ccd:Publishing:Namespace</c>). Needs an <c>NpgsqlDataSource</c> for the database holding the <c>ccd</c> schema.
    /// Calling it more than once registers nothing more.
    /// </summary>
    public static IServiceCollection AddCcdPublishing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(PublishingOptions)))
        {
            return services;
        }

        var options = services.AddCcdOptions<PublishingOptions>(configuration, PublishingOptions.SectionName, Check);
        services.TryAddSingleton(TimeProvider.System);
        services.AddCcdWorkers(configuration);
        services.AddSingleton<OutboxStatus>();
        services.AddSingleton<OutboxRetention>();
        services.AddSingleton<PublishingMetrics>();
        if (!options.IsEnabled)
        {
            return services;
        }

        services.AddSingleton(BrokerSettings.Resolve(options));
        services.AddSingleton<AmqpOutboxSender>();
        services.AddSingleton<OutboxPublisher>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxPublisher>());
        services.AddSingleton<ICcdStartupCheck, BrokerStartupCheck>();
        services.AddHealthChecks().AddCheck<OutboxHealthCheck>("outbox", tags: ["ready"]);
        return services;
    }

    private static void Check(PublishingOptions options, OptionsRules rules)
    {
        rules.Require(options.BatchSize is >= 1 and <= 10_000, "Ccd:Publishing:BatchSize must be between 1 and 10000.");
        rules.Require(options.ParkAfterFailures is >= 1 and <= 1000, "Ccd:Publishing:ParkAfterFailures must be between 1 and 1000.");
        rules.Require(options.RetentionDays >= 1, "Ccd:Publishing:RetentionDays must be at least 1.");
        rules.Require(options.PollInterval > TimeSpan.Zero, "Ccd:Publishing:PollInterval must be positive (for example 00:00:01).");
        rules.Require(options.SendTimeout >= TimeSpan.FromSeconds(1), "Ccd:Publishing:SendTimeout must be at least 1 second.");
        rules.Require(options.RetentionSweepInterval > TimeSpan.Zero, "Ccd:Publishing:RetentionSweepInterval must be positive.");
        rules.Require(options.StatusRefreshInterval > TimeSpan.Zero, "Ccd:Publishing:StatusRefreshInterval must be positive.");
    }
}
