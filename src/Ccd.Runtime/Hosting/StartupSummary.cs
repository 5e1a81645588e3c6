using Ccd.Runtime.Database;
using Ccd.Runtime.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ccd.Runtime.Hosting;

/// <summary>The few lines <c>serve</c> logs once the database is ready: which database, and whether publishing is off.</summary>
internal static class StartupSummary
{
    public static void Log(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Ccd.Runtime.Startup");
        logger.LogInformation("Database: {Database}; schema up to date", Describe(services.GetRequiredService<DatabaseTarget>()));

        // Search indexing says itself when it is off (its queue sampler runs either way).
        if (!services.GetRequiredService<PublishingOptions>().IsEnabled)
        {
            logger.LogInformation("Message publishing is off: {Section} names no broker; messages wait in the outbox.", PublishingOptions.SectionName);
        }
    }

    private static string Describe(DatabaseTarget target) => target.Embedded is { } local
        ? local.Describe()
        : $"{target.Connection.Host}:{target.Connection.Port}/{target.Connection.Database} (from {target.Source})";
}
