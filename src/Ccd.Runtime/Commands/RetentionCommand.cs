using System.CommandLine;
using System.Globalization;
using Ccd.Runtime.CentralCcd;
using Ccd.Runtime.Database;
using Ccd.Runtime.Retention;
using Ccd.Runtime.Writing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.Commands;

/// <summary><c>retention run [--dry-run]</c>: retain-and-dispose in step with CCD (SPEC 6; docs/operations.md).</summary>
internal static class RetentionCommand
{
    public static Command Create(CcdCommandContext context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List the cases that would be marked, confirmed and deleted; change nothing." };
        var run = new Command("run", "Mark the policy's candidates for disposal through CCD, confirm marked cases, and delete those CCD no longer holds.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        run.Options.Add(dryRun);
        run.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, async (app, token) =>
        {
            var options = app.Services.GetRequiredService<IOptions<RetentionOptions>>().Value;
            var ccdOptions = app.Services.GetRequiredService<IOptions<CentralCcdOptions>>().Value;
            await app.Services.GetRequiredService<DatabaseStartup>().EnsureReadyAsync(token);
            var runner = new RetentionRun(
                app.Services.GetRequiredService<NpgsqlDataSource>(),
                app.Services.GetRequiredService<CaseWritePipeline>(),
                app.Services.GetRequiredService<TimeProvider>(),
                app.Services.GetServices<ICaseRetentionPolicy>(),
                options,
                app.Services.GetRequiredService<ILogger<RetentionRun>>(),
                app.Services.GetRequiredService<CcdDataStoreClient>(),
                ccdOptions.Problem());
            var report = await runner.RunAsync(parseResult.GetValue(dryRun), token);
            Print(report);
            return report.Failed ? 1 : 0;
        }, cancellationToken));

        return new Command("retention", "Retain-and-dispose of cases, in step with CCD.") { run };
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
                    Console.WriteLine(string.Create(c, $"refused: {breach.Candidates} of {breach.Population} {breach.CaseTypeId} cases are due for disposal (circuit breaker); nothing done"));
                }

                return;
            case RetentionOutcome.DryRun:
                foreach (var item in report.Marked)
                {
                    Console.WriteLine(string.Create(c, $"would mark {item.Reference} {item.CaseTypeId} for disposal in CCD"));
                }

                foreach (var item in report.Confirmed)
                {
                    Console.WriteLine(string.Create(c, $"would confirm the disposal of {item.Reference} {item.CaseTypeId} in CCD"));
                }

                foreach (var item in report.Deletable)
                {
                    Console.WriteLine(string.Create(c, $"would delete {item.Reference} {item.CaseTypeId} (CCD answers 404; resolved TTL {item.ResolvedTtl:yyyy-MM-dd})"));
                }

                foreach (var candidate in report.Candidates)
                {
                    Console.WriteLine(string.Create(c, $"would dispose of {candidate.Reference} {candidate.CaseTypeId} (local-only; resolved TTL {candidate.ResolvedTtl:yyyy-MM-dd})"));
                }

                PrintFailures(report);
                Console.WriteLine(string.Create(c, $"dry run: {report.Marked.Count} to mark, {report.Confirmed.Count} to confirm, {report.Deletable.Count + report.Candidates.Count} to delete, {report.HeldByCcd.Count} still held by CCD, {report.Failures.Count} failed; nothing changed"));
                return;
            default:
                PrintFailures(report);
                Console.WriteLine(string.Create(c, $"marked {report.Marked.Count}, confirmed {report.Confirmed.Count}, disposed of {report.Disposed.Count} case(s); kept {report.Retained.Count} by policy, {report.HeldByCcd.Count} still held by CCD; {report.Failures.Count} failed"));
                return;
        }
    }

    private static void PrintFailures(RetentionReport report)
    {
        foreach (var failure in report.Failures)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failed to {failure.Step} {failure.Reference} {failure.CaseTypeId}: {failure.Reason}"));
        }
    }
}
