using System.CommandLine;
using System.Globalization;
using Ccd.Runtime.Database;
using Ccd.Runtime.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ccd.Runtime.Commands;

/// <summary><c>outbox parked</c>, <c>outbox retry &lt;id&gt;</c>, <c>outbox skip &lt;id&gt; --reason ...</c>: look at and release parked messages.</summary>
internal static class OutboxCommand
{
    private const int ListLimit = 500;

    public static Command Create(CcdCommandContext context)
    {
        var parked = new Command("parked", $"List parked messages (refused for good by the broker), oldest first, at most {ListLimit}.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        parked.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, (app, token) =>
            ListAsync(Store(app.Services), Console.Out, token), cancellationToken));

        var retryId = new Argument<long>("id") { Description = "The message's id, as `outbox parked` shows it." };
        var retry = new Command("retry", "Send a parked message again (with a fresh count of failed sends); its case's later messages follow it.") { retryId };
        retry.TreatUnmatchedTokensAsErrors = false;
        retry.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, (app, token) =>
            RetryAsync(Store(app.Services), parseResult.GetValue(retryId), Console.Out, Console.Error, token), cancellationToken));

        var skipId = new Argument<long>("id") { Description = "The message's id, as `outbox parked` shows it." };
        var reason = new Option<string>("--reason") { Description = "Why the message is given up (recorded with it).", Required = true };
        var by = new Option<string>("--by") { Description = "Who gives it up (recorded with it). Default: the operating-system user." };
        var skip = new Command("skip", "Give up a parked message: it is never sent, and its case's later messages go on. Records who and why.") { skipId, reason, by };
        skip.TreatUnmatchedTokensAsErrors = false;
        skip.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, (app, token) =>
            SkipAsync(
                Store(app.Services),
                parseResult.GetValue(skipId),
                parseResult.GetValue(by) is { Length: > 0 } who ? who : Environment.UserName,
                parseResult.GetValue(reason)!,
                DatabaseClock.Now(app.Services.GetRequiredService<TimeProvider>()),
                Console.Out,
                Console.Error,
                token), cancellationToken));

        return new Command("outbox", "Messages of the outbox (ccd.message_queue_candidates).") { parked, retry, skip };
    }

    public static async Task<int> ListAsync(OutboxParkedStore store, TextWriter output, CancellationToken cancellationToken)
    {
        var rows = await store.ListAsync(ListLimit, cancellationToken);
        await output.WriteLineAsync("id\treference\tevent_id\ttime_stamp\tparked_at\tsend_failures\theld_behind\treason");
        foreach (var row in rows)
        {
            var reason = row.Reason?.ReplaceLineEndings(" ") ?? "";
            await output.WriteLineAsync(string.Join('\t',
                row.Id.ToString(CultureInfo.InvariantCulture),
                row.Reference.ToString(CultureInfo.InvariantCulture),
                row.EventId ?? "",
                Time(row.TimeStamp),
                Time(row.ParkedAt),
                row.SendFailures.ToString(CultureInfo.InvariantCulture),
                row.HeldBehind.ToString(CultureInfo.InvariantCulture),
                reason.Length > 200 ? reason[..200] + "..." : reason));
        }

        await output.WriteLineAsync($"{rows.Count} parked message(s)");
        return 0;
    }

    public static async Task<int> RetryAsync(OutboxParkedStore store, long id, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (done, state) = await store.RetryAsync(id, cancellationToken);
        if (done)
        {
            await output.WriteLineAsync($"message {id} is unsent again; the publisher sends it next");
            return 0;
        }

        await error.WriteLineAsync(NotParked(id, state));
        return 1;
    }

    public static async Task<int> SkipAsync(OutboxParkedStore store, long id, string by, string reason, DateTime now, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            await error.WriteLineAsync("error: --reason must say why the message is given up");
            return 1;
        }

        var (done, state) = await store.SkipAsync(id, by, reason.Trim(), now, cancellationToken);
        if (done)
        {
            await output.WriteLineAsync($"message {id} skipped by {by}: it will not be sent; its case's later messages go on");
            return 0;
        }

        await error.WriteLineAsync(NotParked(id, state));
        return 1;
    }

    private static OutboxParkedStore Store(IServiceProvider services) => new(services.GetRequiredService<NpgsqlDataSource>());

    private static string NotParked(long id, string? state) => state is null
        ? $"error: there is no outbox message {id}"
        : $"error: message {id} is {state}; only a parked message can be retried or skipped";

    private static string Time(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
