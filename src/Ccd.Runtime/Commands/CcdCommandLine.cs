using System.CommandLine;

namespace Ccd.Runtime.Commands;

/// <summary>The service's commands: <c>serve</c> (the default) and the operations commands, sharing one context.</summary>
internal static class CcdCommandLine
{
    public static RootCommand CreateRoot(string applicationName, CcdCommandContext context)
    {
        var root = new RootCommand($"{applicationName}: a CCD case service on the CCD runtime.") { TreatUnmatchedTokensAsErrors = false };
        ServeCommand.Configure(root, context);
        foreach (var command in RuntimeCommands.All)
        {
            root.Subcommands.Add(command(context));
        }

        return root;
    }

    public static bool IsServe(ParseResult parsed) => parsed.CommandResult.Command is RootCommand or { Name: "serve" };
}
