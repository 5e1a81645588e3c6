using System.CommandLine;
using Ccd.Runtime.SearchIndexing;
using Ccd.Runtime.Jobs;

namespace Ccd.Runtime.Commands;

/// <summary>The operations commands every service on the runtime gets.</summary>
internal static class RuntimeCommands
{
    public static IReadOnlyList<Func<CcdCommandContext, Command>> All { get; } =
    [
        MigrateCommand.Create,
        DevTokenCommand.Create,
        StatusCommand.Create,
        SearchIndexingCommands.Reindex,
        SearchIndexingCommands.DeadLetterCommands,
        JobsCommand.Create,
        OutboxCommand.Create,
        ImportCommand.Create,
        RetentionCommand.Create,
    ];
}
