using System.CommandLine;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Ccd.Runtime.Commands;

/// <summary>Given to every command: builds the configured application so the command can use its services.</summary>
public sealed class CcdCommandContext
{
    private readonly CcdHostDefinition _host;

    internal CcdCommandContext(CcdHostDefinition host) => _host = host;

    /// <summary>
    /// Builds the application with the tokens the command did not recognise (such as <c>--urls</c>) as host arguments.
    /// Its logs go to standard error, so standard output carries only the command's result. A command connects as
    /// the owner (<c>{APP_ENV}_MIGRATION_DATABASE_URL</c>, else <c>{APP_ENV}_DATABASE_URL</c>); only <c>serve</c> connects as the runtime role.
    /// </summary>
    public WebApplication BuildApp(ParseResult parseResult) => BuildApp(parseResult, DatabaseRole.Owner, logsToStandardError: true);

    /// <summary>The configuration and content root the application would be built with, without building it (so no
    /// database is started): for commands that only need settings, such as <c>dev-token</c>.</summary>
    internal static (Microsoft.Extensions.Configuration.IConfiguration Configuration, string ContentRoot) ReadConfiguration(ParseResult parseResult)
    {
        var builder = HostSettings.CreateBuilder(parseResult.UnmatchedTokens.ToArray());
        return (builder.Configuration, builder.Environment.ContentRootPath);
    }

    /// <summary>
    /// Runs a command body: builds the application, runs <paramref name="body"/>, and turns start-up errors into one
    /// line on standard error and exit code 2.
    /// </summary>
    public Task<int> RunAsync(ParseResult parseResult, Func<WebApplication, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        RunAsync(parseResult, body, DatabaseRole.Owner, logsToStandardError: true, cancellationToken);

    /// <summary>As the public overload; <c>serve</c> connects as the runtime role and keeps its logs on standard output, the console of a service.</summary>
    internal async Task<int> RunAsync(ParseResult parseResult, Func<WebApplication, CancellationToken, Task<int>> body, DatabaseRole role, bool logsToStandardError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await using var app = BuildApp(parseResult, role, logsToStandardError);
            return await body(app, cancellationToken);
        }
        catch (CcdStartupException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return 2;
        }
    }

    private WebApplication BuildApp(ParseResult parseResult, DatabaseRole role, bool logsToStandardError)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return CcdHost.Build(parseResult.UnmatchedTokens.ToArray(), _host, builder =>
        {
            ((Microsoft.Extensions.Hosting.IHostApplicationBuilder)builder).Properties[RuntimeRoles.PropertyKey] = role;
            if (logsToStandardError)
            {
                builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            }
        });
    }
}
