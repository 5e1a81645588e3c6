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
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.Hosting;

/// <summary>
/// The runtime in an ordinary ASP.NET Core <c>Program.cs</c>: <see cref="AddCcdRuntime"/> on the builder,
/// <see cref="AddCaseType"/>, <see cref="AddJobHandler"/> and <c>AddMigrations</c> on what it returns, <see cref="UseCcdRuntime"/> and <see cref="MapCcdPersistence"/> on the application, and <c>RunCcdAsync(args)</c> to serve or run an operations command.
/// </summary>
public static partial class CcdRuntimeExtensions
{
    private const string UsedKey = "Ccd.Runtime.MiddlewareAdded";

    /// <summary>
    /// Registers the runtime: options from the <c>Ccd</c> section (then <paramref name="configure"/>), validated when
    /// the application runs; the environment from <c>APP_ENV</c>; one <see cref="NpgsqlDataSource"/> for
    /// <c>{APP_ENV}_DATABASE_URL</c> (or, in LOCAL, a registered development database), created when first needed;
    /// the migration runner, problem details, health checks, authentication (<c>Ccd:Auth</c>) and the workers.
    /// Nothing is started and nothing throws here: a configuration problem stops <c>RunCcdAsync</c> (or the host's
    /// start) with one line naming the setting.
    /// </summary>
    public static CcdRuntimeBuilder AddCcdRuntime(this WebApplicationBuilder builder, Action<CcdOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        HostSettings.Apply(builder);
        var services = builder.Services;
        services.AddSingleton<CcdInvocation>();
        services.AddSingleton<IOptionsChangeTokenSource<ConsoleLoggerOptions>>(sp => sp.GetRequiredService<CcdInvocation>());
        services.AddOptions<ConsoleLoggerOptions>().Configure<CcdInvocation>((console, invocation) =>
        {
            if (!invocation.Serves)
            {
                console.LogToStandardErrorThreshold = LogLevel.Trace;
            }
        });

        services.AddProblemDetails(problem => problem.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<CcdExceptionHandler>();
        services.AddSingleton<StartupPreparation>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupPreparation>());

        var section = builder.Configuration.GetSection(CcdOptions.SectionName);
        var optionsBuilder = services.AddOptions<CcdOptions>().Bind(section);
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.AddSingleton<IValidateOptions<CcdOptions>, CcdOptionsValidation>();
        optionsBuilder.ValidateOnStart();

        // A problem found here is reported when the application runs; the rest is still registered (with PROD's
        // rules when APP_ENV itself is wrong), so the service's own registrations and mapping work as usual.
        var failures = new List<CcdStartupException>();
        var environment = Attempt(failures, () => AppEnvironmentSettings.Read(builder.Configuration), AppEnvironment.Prod);
        var options = section.Get<CcdOptions>() ?? new CcdOptions();
        configure?.Invoke(options);
        foreach (var step in Registrations(builder, environment, options))
        {
            Attempt(failures, () => { step(); return true; }, false);
        }

        if (failures.Count > 0)
        {
            services.AddSingleton(new StartupFailure(failures[0]));
        }

        return new CcdRuntimeBuilder(builder, environment);
    }

    /// <summary>
    /// Adds the runtime's middleware (problem details for every error, the body limit, authentication) and the
    /// health endpoints <c>/health/live</c> and <c>/health/ready</c>, once. <c>Program.cs</c> calls it right after
    /// <c>builder.Build()</c>, before mapping endpoints.
    /// </summary>
    public static WebApplication UseCcdRuntime(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var properties = ((IApplicationBuilder)app).Properties;
        if (properties.ContainsKey(UsedKey) || CannotStart(app))
        {
            return app; // added already, or the configuration is wrong: RunCcdAsync reports that and serves nothing
        }

        properties[UsedKey] = true;
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

    /// <summary>Registration failed, or an option is invalid (mapping reads the options, and must not throw first).</summary>
    private static bool CannotStart(WebApplication app)
    {
        if (app.Services.GetService<StartupFailure>() is not null)
        {
            return true;
        }

        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            return false;
        }
        catch (Exception exception) when (exception is OptionsValidationException or AggregateException)
        {
            return true;
        }
    }

    private static T Attempt<T>(List<CcdStartupException> failures, Func<T> step, T fallback)
    {
        try
        {
            return step();
        }
        catch (CcdStartupException exception)
        {
            failures.Add(exception);
            return fallback;
        }
    }

    private static IEnumerable<Action> Registrations(WebApplicationBuilder builder, AppEnvironment environment, CcdOptions options)
    {
        var services = builder.Services;
        yield return () => RegisterDatabase(builder, environment, options);
        yield return () => services.AddCcdTelemetry(builder.Configuration, options.Telemetry, builder.Environment.ApplicationName);
        yield return () => services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        yield return () => builder.AddCcdAuthentication(environment);
        yield return () => builder.AddCcdPersistence();
        yield return () => SearchIndexingRegistration.AddSearchIndexing(services, builder.Configuration);
        yield return () => services.AddCcdJobs(builder.Configuration);
        yield return () => services.AddCcdPublishing(builder.Configuration);
        yield return () => CentralCcd.CentralCcdRegistration.AddCentralCcd(services, builder.Configuration);
        yield return () => services.AddCcdOptions<Retention.RetentionOptions>(builder.Configuration, Retention.RetentionOptions.SectionName, Retention.RetentionOptions.Check);
    }

    private static void RegisterDatabase(WebApplicationBuilder builder, AppEnvironment environment, CcdOptions options)
    {
        var services = builder.Services;
        services.AddSingleton(new CcdEnvironment(environment));
        services.AddSingleton(TimeProvider.System);

        // Resolved when first needed (the database check of serve, a command's work), so registering never starts
        // a database; a LOCAL without a URL starts the registered development database then.
        services.AddSingleton(sp => DatabaseTarget.Resolve(
            builder.Configuration, environment, sp.GetRequiredService<IOptions<CcdOptions>>().Value.Database, sp.GetRequiredService<CcdInvocation>().Role, sp.GetService<ILocalDatabase>()));
        services.AddSingleton<ListenDataSource>();
        services.AddSingleton(sp =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<DatabaseTarget>().Connection.ConnectionString);
            dataSourceBuilder.UseLoggerFactory(sp.GetService<ILoggerFactory>());
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

        // The bound value, not the validated one: the server is created when the application is built, before validation runs.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));
    }
}
