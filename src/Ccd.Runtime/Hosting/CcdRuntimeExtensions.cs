using Ccd.Runtime.Authentication;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Ccd.Runtime.Health;
using Ccd.Runtime.Jobs;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Publishing;
using Ccd.Runtime.Schema;
using Ccd.Runtime.SearchIndexing;
using Ccd.Runtime.Telemetry;
using Ccd.Runtime.Writing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.Hosting;

/// <summary>Registers the runtime in an ASP.NET Core host and maps its endpoints.</summary>
public static class CcdRuntimeExtensions
{
    /// <summary>
    /// Registers the runtime: options from the <c>Ccd</c> section, the environment from <c>APP_ENV</c>, one
    /// <see cref="NpgsqlDataSource"/> for <c>{APP_ENV}_DATABASE_URL</c> (or the registered <see cref="ILocalDatabase"/> in LOCAL), the
    /// migration runner, problem details, health checks, and authentication (<c>Ccd:Auth</c>).
    /// </summary>
    /// <exception cref="CcdStartupException">The configuration is invalid; the message names the variable.</exception>
    public static CcdRuntimeBuilder AddCcdRuntime(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var environment = AppEnvironmentSettings.Read(builder.Configuration);
        var options = builder.Configuration.GetSection(CcdOptions.SectionName).Get<CcdOptions>() ?? new CcdOptions();
        Validate(options);

        var services = builder.Services;
        services.AddSingleton(new CcdEnvironment(environment));
        services.AddOptions<CcdOptions>().Bind(builder.Configuration.GetSection(CcdOptions.SectionName));
        services.AddSingleton(TimeProvider.System);

        var role = ((IHostApplicationBuilder)builder).Properties.TryGetValue(RuntimeRoles.PropertyKey, out var chosen) && chosen is DatabaseRole given ? given : DatabaseRole.Runtime;
        // Resolved when first needed (the database check of serve, a command's work), so registering never starts
        // a database; a LOCAL without a URL starts the registered development database then.
        services.AddSingleton(sp => DatabaseTarget.Resolve(builder.Configuration, environment, options.Database, role, sp.GetService<ILocalDatabase>()));
        services.AddSingleton<ListenDataSource>();
        services.AddSingleton(sp =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<DatabaseTarget>().Connection.ConnectionString);
            dataSourceBuilder.UseLoggerFactory(sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>());
            return dataSourceBuilder.Build();
        });

        services.AddSingleton(MigrationSource.Ccd);
        services.AddSingleton(sp =>
        {
            // The runtime's schema always first; services' schemas after it, in registration order.
            var sources = sp.GetServices<MigrationSource>().Distinct().OrderBy(source => source.Module == "ccd" ? 0 : 1);
            return new MigrationRunner(sp.GetRequiredService<NpgsqlDataSource>(), sources);
        });
        services.AddSingleton<DatabaseStartup>();

        services.AddProblemDetails(problem => problem.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<CcdExceptionHandler>();
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));

        services.AddCcdTelemetry(builder.Configuration, options.Telemetry, builder.Environment.ApplicationName);
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        builder.AddCcdAuthentication(environment);
        builder.AddCcdPersistence();
        SearchIndexingRegistration.AddSearchIndexing(services, builder.Configuration);
        services.AddCcdJobs(builder.Configuration);
        services.AddCcdPublishing(builder.Configuration);
        CentralCcd.CentralCcdRegistration.AddCentralCcd(services, builder.Configuration);
        return new CcdRuntimeBuilder(builder, environment);
    }

    /// <summary>Adds the runtime's middleware (problem details for every error) and the health endpoints
    /// <c>/health/live</c> and <c>/health/ready</c>. Called by <see cref="Commands.CcdHost"/> before the service's own mapping.</summary>
    public static WebApplication UseCcdRuntime(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestBodyLimit();
        // After the exception handler (so an authentication failure is a problem body) and after routing (which
        // WebApplication adds first), so the authorisation middleware sees the endpoint's policy.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCcdTelemetry();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }

    private static void Validate(CcdOptions options)
    {
        if (options.Database.CommandTimeoutSeconds is < 1 or > 600)
        {
            throw new CcdStartupException("Ccd:Database:CommandTimeoutSeconds must be between 1 and 600.");
        }

        if (options.Database.ConnectTimeoutSeconds is < 1 or > 120)
        {
            throw new CcdStartupException("Ccd:Database:ConnectTimeoutSeconds must be between 1 and 120.");
        }

        if (options.Database.MaxPoolSize is < 1 or > 1000)
        {
            throw new CcdStartupException("Ccd:Database:MaxPoolSize must be between 1 and 1000.");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            throw new CcdStartupException("Ccd:MaxRequestBodyBytes must be at least 1024.");
        }
    }
}
