using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccd.Runtime.LocalDatabase;

/// <summary>Adds the embedded development database to a service on the runtime.</summary>
public static class LocalDatabaseRegistration
{
    /// <summary>
    /// Registers the embedded PostgreSQL the runtime starts when <c>APP_ENV=LOCAL</c> and <c>LOCAL_DATABASE_URL</c> is
    /// not set, in <c>LOCAL_DATA_DIR</c> (default <c>.data/postgres</c> under the content root). Nothing starts or
    /// is installed here; PostgreSQL's server binaries must be installed (<c>scripts/install-prerequisites.sh serve</c>).
    /// </summary>
    public static CcdRuntimeBuilder AddLocalPostgres(this CcdRuntimeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var dataDirectory = builder.Configuration["LOCAL_DATA_DIR"];
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            dataDirectory = Path.Combine(builder.Host.Environment.ContentRootPath, ".data", "postgres");
        }

        builder.Services.TryAddSingleton<ILocalDatabase>(_ => new LocalPostgresDatabase(dataDirectory));
        return builder;
    }
}
