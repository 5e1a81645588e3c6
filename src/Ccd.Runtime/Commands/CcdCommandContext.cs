using Ccd.Runtime.Hosting;
using System.CommandLine;
using Ccd.Runtime.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.Commands;

/// <summary>
/// Given to every command: the application <c>Program.cs</c> built, handed over by <c>RunCcdAsync</c>. A command
/// other than <c>serve</c> connects as the owner (<c>{APP_ENV}_MIGRATION_DATABASE_URL</c>, else
/// <c>{APP_ENV}_DATABASE_URL</c>) and logs to standard error, so standard output carries only its result.
/// </summary>
internal sealed class CcdCommandContext
{
    private WebApplication? _app;

    /// <summary>The application; set by <c>RunCcdAsync</c> before any command runs.</summary>
    public WebApplication App
    {
        get => _app ?? throw new InvalidOperationException("RunCcdAsync has not handed the application to the commands.");
        set => _app = value;
    }

    /// <summary>
    /// Runs a command body on the application and turns start-up errors (configuration, database, options) into one
    /// line on standard error and exit code 2.
    /// </summary>
    public async Task<int> RunAsync(ParseResult parseResult, Func<WebApplication, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            App.Services.GetService<StartupFailure>()?.Throw();
            App.Services.GetService<IStartupValidator>()?.Validate();
            return await body(App, cancellationToken);
        }
        catch (Exception exception) when (StartupErrors.OneLine(exception) is { } line)
        {
            await parseResult.InvocationConfiguration.Error.WriteLineAsync($"error: {line}");
            return 2;
        }
    }
}

/// <summary>The errors that stop start-up with one line rather than a stack trace.</summary>
internal static class StartupErrors
{
    public static string? OneLine(Exception exception) => exception switch
    {
        CcdStartupException startup => startup.Message,
        OptionsValidationException invalid => string.Join(" ", invalid.Failures),
        AggregateException all when all.InnerExceptions.All(inner => OneLine(inner) is not null) =>
            string.Join(" ", all.InnerExceptions.Select(inner => OneLine(inner))),
        _ => null,
    };
}
