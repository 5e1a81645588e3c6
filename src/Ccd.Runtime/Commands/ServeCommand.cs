using System.CommandLine;
using Ccd.Runtime.Database;
using Ccd.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Ccd.Runtime.Commands;

/// <summary><c>serve</c> (also the default): checks the database, migrates where allowed, and serves HTTP until stopped.</summary>
internal static class ServeCommand
{
    public static void Configure(RootCommand root, CcdCommandContext context)
    {
        var serve = new Command("serve", "Serve HTTP (the default command).") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction((parseResult, cancellationToken) => RunAsync(context, parseResult, cancellationToken));
        root.Subcommands.Add(serve);
        root.SetAction((parseResult, cancellationToken) => RunAsync(context, parseResult, cancellationToken));
    }

    private static Task<int> RunAsync(CcdCommandContext context, ParseResult parseResult, CancellationToken cancellationToken) =>
        context.RunAsync(parseResult, async (app, token) =>
        {
            await CcdHost.PrepareDatabaseAsync(app, token);
            StartupSummary.Log(app);
            await app.RunAsync();
            return 0;
        }, DatabaseRole.Runtime, logsToStandardError: false, cancellationToken);
}
