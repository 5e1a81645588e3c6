using Ccd.Runtime.Hosting;
using System.CommandLine;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Commands;

/// <summary>
/// The entry point of a service on the runtime: one binary that serves (the default) and runs the operations
/// commands (<c>migrate</c>, <c>status</c>, ...). <c>Program.cs</c> is one call to <see cref="RunAsync"/>.
/// </summary>
public static class CcdHost
{
    /// <summary>Parses the command line and runs the chosen command; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args, CcdHostDefinition host) => RunCommandAsync(args, host, invocation: null);

    /// <summary>As <see cref="RunAsync(string[], CcdHostDefinition)"/>, writing to the given output (tests capture it).</summary>
    internal static async Task<int> RunCommandAsync(string[] args, CcdHostDefinition host, InvocationConfiguration? invocation)
    {
        ArgumentNullException.ThrowIfNull(host);
        var context = new CcdCommandContext(host);
        var root = new RootCommand(host.Description) { TreatUnmatchedTokensAsErrors = false };
        ServeCommand.Configure(root, context);
        foreach (var command in RuntimeCommands.All.Concat(host.Commands))
        {
            root.Subcommands.Add(command(context));
        }

        // The web host handles SIGTERM/SIGINT itself (drains requests, then returns); the parser must not also
        // claim the signal, or the process ends with 143 before the embedded database is stopped.
        invocation ??= new InvocationConfiguration();
        invocation.ProcessTerminationTimeout = null;
        return await root.Parse(args).InvokeAsync(invocation);
    }

    /// <summary>
    /// Builds the web application for <paramref name="args"/> without starting it or touching the database.
    /// <paramref name="customize"/> runs first (tests add configuration or a test server there).
    /// </summary>
    /// <exception cref="CcdStartupException">The configuration is invalid.</exception>
    public static WebApplication Build(string[] args, CcdHostDefinition host, Action<WebApplicationBuilder>? customize = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var builder = HostSettings.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5000");
        }

        customize?.Invoke(builder);
        host.ConfigureServices(builder);
        var app = builder.Build();
        app.UseCcdRuntime();
        host.ConfigureApp(app);
        return app;
    }

    /// <summary>
    /// Fail-fast preparation before serving: checks the database answers, then migrates (LOCAL, TEST) or checks the
    /// journal (DEV, PROD), then runs the features' start-up checks (such as the message broker's credentials).
    /// </summary>
    /// <exception cref="CcdStartupException">The database is unreachable, refuses the credentials, or the schema is behind; or a start-up check failed.</exception>
    public static async Task PrepareDatabaseAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.Services.GetRequiredService<DatabaseStartup>().EnsureReadyAsync(cancellationToken);
        foreach (var check in app.Services.GetServices<ICcdStartupCheck>())
        {
            await check.RunAsync(cancellationToken);
        }
    }
}
