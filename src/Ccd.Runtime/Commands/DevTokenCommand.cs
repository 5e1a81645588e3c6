using System.CommandLine;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;

namespace Ccd.Runtime.Commands;

/// <summary>
/// <c>dev-token service &lt;name&gt;</c> and <c>dev-token user &lt;id&gt; [--roles r1,r2] [--courts C1,C2]
/// [--first-name F] [--last-name L]</c>: prints a one-hour token signed with the LOCAL/TEST key, and nothing else,
/// so <c>$(app dev-token ...)</c> can be pasted into a header. Refused in DEV and PROD, where tokens come from the
/// real identity and S2S providers. Only the configuration is read, so no database is started.
/// </summary>
internal static class DevTokenCommand
{
    public static Command Create(CcdCommandContext context)
    {
        var serviceName = new Argument<string>("name") { Description = "The service name (the token's sub), e.g. ccd_data." };
        var service = new Command("service", "Print a service-to-service token for the ServiceAuthorization header.") { TreatUnmatchedTokensAsErrors = false };
        service.Arguments.Add(serviceName);
        service.SetAction((parseResult, _) => RunAsync(context, parseResult, settings =>
            DevTokens.Service(settings, TimeProvider.System.GetUtcNow(), parseResult.GetValue(serviceName)!)));

        var userId = new Argument<string>("id") { Description = "The user id (the token's uid and sub)." };
        var roles = new Option<string?>("--roles") { Description = "Comma-separated roles, e.g. caseworker,caseworker-adoption." };
        var courts = new Option<string?>("--courts") { Description = "Comma-separated court codes." };
        var firstName = new Option<string?>("--first-name") { Description = "The given_name claim." };
        var lastName = new Option<string?>("--last-name") { Description = "The family_name claim." };
        var user = new Command("user", "Print a user token for the Authorization header.") { TreatUnmatchedTokensAsErrors = false };
        user.Arguments.Add(userId);
        user.Options.Add(roles);
        user.Options.Add(courts);
        user.Options.Add(firstName);
        user.Options.Add(lastName);
        user.SetAction((parseResult, _) => RunAsync(context, parseResult, settings => DevTokens.User(
            settings,
            TimeProvider.System.GetUtcNow(),
            parseResult.GetValue(userId)!,
            List(parseResult.GetValue(roles)),
            List(parseResult.GetValue(courts)),
            parseResult.GetValue(firstName),
            parseResult.GetValue(lastName))));

        var command = new Command("dev-token", "Print a development token (LOCAL and TEST only) signed with the configured key.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Subcommands.Add(service);
        command.Subcommands.Add(user);
        return command;
    }

    private static async Task<int> RunAsync(CcdCommandContext context, ParseResult parseResult, Func<CcdAuthSettings, string> mint)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            var configuration = context.App.Configuration;
            var contentRoot = context.App.Environment.ContentRootPath;
            var environment = AppEnvironmentSettings.Read(configuration);
            if (!AppEnvironmentSettings.IsDevelopmentLike(environment))
            {
                await error.WriteLineAsync($"error: dev-token is available in LOCAL and TEST only; APP_ENV is {environment.ToString().ToUpperInvariant()}. Get tokens from the identity and S2S providers there.");
                return 2;
            }

            await output.WriteLineAsync(mint(CcdAuthSettings.Read(configuration, environment, contentRoot)));
            return 0;
        }
        catch (CcdStartupException exception)
        {
            await error.WriteLineAsync($"error: {exception.Message}");
            return 2;
        }
    }

    private static string[] List(string? commaSeparated) =>
        (commaSeparated ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
