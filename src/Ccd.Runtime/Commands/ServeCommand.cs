using Ccd.Runtime.Hosting;
using System.CommandLine;
using Ccd.Runtime.Database;
using Microsoft.Extensions.DependencyInjection;

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
            // Before the host starts, so a failure is one line rather than the host's own error report.
            await app.Services.GetRequiredService<StartupPreparation>().RunAsync(token);
            await app.RunAsync();
            return 0;
        }, cancellationToken);
}
