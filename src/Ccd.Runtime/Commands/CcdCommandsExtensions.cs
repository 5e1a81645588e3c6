using System.CommandLine;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Commands;

/// <summary>The last line of <c>Program.cs</c>: <see cref="RunCcdAsync(WebApplication, string[])"/> serves or runs an operations command.</summary>
public static class CcdCommandsExtensions
{
    /// <summary>
    /// Runs the command <paramref name="args"/> names and returns the process exit code: no command or <c>serve</c>
    /// checks the database (migrating in LOCAL and TEST), then serves until stopped; <c>migrate</c>, <c>status</c>,
    /// <c>dev-token</c>, <c>outbox</c>, <c>jobs</c>, <c>import</c>, <c>retention</c>, <c>reindex</c> and
    /// <c>dead-letter</c> run the operations commands (<c>--help</c> lists them), connecting as the owner and
    /// logging to standard error. A configuration or database problem is one line on standard error and exit code
    /// 2. Pass the same <paramref name="args"/> as to <c>WebApplication.CreateBuilder</c>. The application is
    /// disposed when the command ends.
    /// </summary>
    public static Task<int> RunCcdAsync(this WebApplication app, string[] args) => RunCcdAsync(app, args, invocation: null);

    /// <summary>As the public overload, writing to the given output (tests capture it).</summary>
    internal static async Task<int> RunCcdAsync(this WebApplication app, string[] args, InvocationConfiguration? invocation)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        var running = app.Services.GetService<CcdInvocation>()
            ?? throw new InvalidOperationException("RunCcdAsync needs the runtime: call builder.AddCcdRuntime() before builder.Build().");
        await using var _ = app;
        var context = new CcdCommandContext { App = app };
        var parsed = CcdCommandLine.CreateRoot(app.Environment.ApplicationName, context).Parse(args);
        if (!CcdCommandLine.IsServe(parsed))
        {
            running.RunsCommand();
        }

        // The web host handles SIGTERM/SIGINT itself (drains requests, then returns); the parser must not also
        // claim the signal, or the process ends with 143 before the embedded database is stopped.
        invocation ??= new InvocationConfiguration();
        invocation.ProcessTerminationTimeout = null;
        return await parsed.InvokeAsync(invocation);
    }
}
