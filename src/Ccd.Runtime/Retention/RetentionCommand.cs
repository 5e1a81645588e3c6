using System.CommandLine;
using System.Globalization;
using Ccd.Runtime.Commands;
using Ccd.Runtime.Database;
using Ccd.Runtime.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccd.Runtime.Retention;

/// <summary><c>retention run [--dry-run]</c>: disposes of cases whose resolved TTL has passed (SPEC 6).</summary>
internal static class RetentionCommand
{
    public static Command Create(CcdCommandContext context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List the cases that would be disposed of; delete nothing." };
        var run = new Command("run", "Dispose of every case whose resolved TTL has passed, within the circuit breaker's limit.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        run.Options.Add(dryRun);
        run.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, async (app, token) =>
        {
            await app.Services.GetRequiredService<DatabaseStartup>().EnsureReadyAsync(token);
            var options = app.Configuration.GetSection(RetentionOptions.SectionName).Get<RetentionOptions>() ?? new RetentionOptions();
            var runner = new RetentionRun(
                app.Services.GetRequiredService<NpgsqlDataSource>(),
                app.Services.GetRequiredService<CaseWritePipeline>(),
                app.Services.GetRequiredService<TimeProvider>(),
                app.Services.GetServices<ICaseRetentionPolicy>(),
                options,
                app.Services.GetRequiredService<ILogger<RetentionRun>>());
            var report = await runner.RunAsync(parseResult.GetValue(dryRun), token);
            Print(report);
            return report.Outcome is RetentionOutcome.Refused ? 1 : 0;
        }, cancellationToken));

        return new Command("retention", "Retain-and-dispose of cases past their resolved TTL.") { run };
    }

    private static void Print(RetentionReport report)
    {
        var c = CultureInfo.InvariantCulture;
        switch (report.Outcome)
        {
            case RetentionOutcome.Locked:
                Console.WriteLine("another replica is running retention; nothing done");
                return;
            case RetentionOutcome.Refused:
                foreach (var breach in report.Breaches)
                {
                    Console.WriteLine(string.Create(c, $"refused: {breach.Candidates} of {breach.Population} {breach.CaseTypeId} cases are past their TTL (circuit breaker); nothing disposed of"));
                }

                return;
            case RetentionOutcome.DryRun:
                foreach (var candidate in report.Candidates)
                {
                    Console.WriteLine(string.Create(c, $"would dispose of {candidate.Reference} {candidate.CaseTypeId} (resolved TTL {candidate.ResolvedTtl:yyyy-MM-dd})"));
                }

                Console.WriteLine(string.Create(c, $"dry run: {report.Candidates.Count} case(s) past their TTL; nothing disposed of"));
                return;
            default:
                Console.WriteLine(string.Create(c, $"disposed of {report.Disposed.Count} case(s); kept {report.Retained.Count} by policy"));
                return;
        }
    }
}
