using System.CommandLine;
using System.Globalization;
using Ccd.Runtime.Database;
using Ccd.Runtime.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ccd.Runtime.Commands;

/// <summary><c>jobs list [--failed]</c> and <c>jobs retry &lt;id&gt;</c>: look at and re-run post-submission jobs.</summary>
internal static class JobsCommand
{
    private const int ListLimit = 500;

    public static Command Create(CcdCommandContext context)
    {
        var failed = new Option<bool>("--failed") { Description = "Only jobs that ran out of attempts." };
        var list = new Command("list", $"List jobs not yet done (oldest first, at most {ListLimit}).") { failed };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, (app, token) =>
            ListAsync(new JobStore(app.Services.GetRequiredService<NpgsqlDataSource>()), parseResult.GetValue(failed), Console.Out, token), cancellationToken));

        var id = new Argument<long>("id") { Description = "The job's id, as `jobs list` shows it." };
        var retry = new Command("retry", "Run a failed job again: due now, with a fresh count of attempts.") { id };
        retry.TreatUnmatchedTokensAsErrors = false;
        retry.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, (app, token) =>
            RetryAsync(
                new JobStore(app.Services.GetRequiredService<NpgsqlDataSource>()),
                parseResult.GetValue(id),
                DatabaseClock.Now(app.Services.GetRequiredService<TimeProvider>()),
                Console.Out,
                Console.Error,
                token), cancellationToken));

        var jobs = new Command("jobs", "Post-submission jobs.") { list, retry };
        return jobs;
    }

    public static async Task<int> ListAsync(JobStore store, bool failedOnly, TextWriter output, CancellationToken cancellationToken)
    {
        var rows = await store.ListAsync(failedOnly, ListLimit, cancellationToken);
        await output.WriteLineAsync("id\tkind\tstatus\tattempts\tnext_attempt_at\tcase_reference\tlast_error");
        foreach (var row in rows)
        {
            var error = row.LastError?.ReplaceLineEndings(" ") ?? "";
            await output.WriteLineAsync(string.Join('\t',
                row.Id.ToString(CultureInfo.InvariantCulture),
                row.Kind,
                row.Status,
                row.Attempts.ToString(CultureInfo.InvariantCulture),
                row.NextAttemptAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                row.CaseReference?.ToString(CultureInfo.InvariantCulture) ?? "",
                error.Length > 200 ? error[..200] + "..." : error));
        }

        await output.WriteLineAsync($"{rows.Count} job(s)");
        return 0;
    }

    public static async Task<int> RetryAsync(JobStore store, long id, DateTime now, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (retried, status) = await store.RetryAsync(id, now, cancellationToken);
        if (retried)
        {
            await output.WriteLineAsync($"job {id} queued to run now");
            return 0;
        }

        await error.WriteLineAsync(status is null
            ? $"error: there is no job {id}"
            : $"error: job {id} is {status}; only a failed or queued job can be retried");
        return 1;
    }
}
