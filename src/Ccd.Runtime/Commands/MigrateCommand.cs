using System.CommandLine;
using Ccd.Runtime.Database;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Commands;

/// <summary><c>migrate</c>: applies pending migrations and prints each one applied.</summary>
internal static class MigrateCommand
{
    public static Command Create(CcdCommandContext context)
    {
        var command = new Command("migrate", "Apply pending database migrations and print what was applied.") { TreatUnmatchedTokensAsErrors = false };
        command.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, async (app, token) =>
        {
            var startup = app.Services.GetRequiredService<DatabaseStartup>();
            await startup.CheckConnectivityAsync(token);
            var applied = await startup.ApplyMigrationsAsync(token);
            foreach (var name in applied)
            {
                Console.WriteLine($"applied {name}");
            }

            Console.WriteLine(applied.Count == 0 ? "schema is up to date; nothing applied" : $"{applied.Count} migration(s) applied");
            return 0;
        }, cancellationToken));
        return command;
    }
}
