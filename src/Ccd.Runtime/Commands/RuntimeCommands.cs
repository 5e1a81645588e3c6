using System.CommandLine;

namespace Ccd.Runtime.Commands;

/// <summary>The operations commands every service on the runtime gets.</summary>
internal static class RuntimeCommands
{
    public static IReadOnlyList<Func<CcdCommandContext, Command>> All { get; } =
    [
        MigrateCommand.Create,
        DevTokenCommand.Create,
        Status.StatusCommand.Create,
    ];
}
