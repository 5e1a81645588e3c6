using System.CommandLine;
using Ccd.Runtime.SearchIndexing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.Commands;

/// <summary><c>reindex</c> and <c>dead-letters list|retry</c>.</summary>
internal static class SearchIndexingCommands
{
    public static Command Reindex(CcdCommandContext context)
    {
        var since = new Option<DateTime>("--since") { Description = "Re-index cases modified at or after this UTC date/time.", Required = true };
        var caseType = new Option<string?>("--case-type") { Description = "Only cases of this case type." };
        var command = new Command("reindex", "Re-queue cases modified since a date for search indexing, behind live work, without changing their revisions.")
        {
            since,
            caseType,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, async (app, token) =>
        {
            var options = app.Services.GetRequiredService<IOptions<SearchIndexingOptions>>().Value;
            await Reindexing.RunAsync(
                app.Services.GetRequiredService<NpgsqlDataSource>(),
                parseResult.GetValue(since),
                parseResult.GetValue(caseType),
                TimeSpan.FromSeconds(options.ReindexDelaySeconds),
                app.Services.GetRequiredService<TimeProvider>(),
                Console.Out,
                cancellationToken: token);
            return 0;
        }, cancellationToken));
        return command;
    }

    public static Command DeadLetterCommands(CcdCommandContext context)
    {
        var limit = new Option<int>("--limit") { Description = "Most rows to print.", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "List documents Elasticsearch refused (oldest first).") { limit };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, async (app, token) =>
        {
            await DeadLetters.ListAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), parseResult.GetValue(limit), Console.Out, token);
            return 0;
        }, cancellationToken));

        var reference = new Option<long?>("--reference") { Description = "Only this case (default: every dead-lettered case)." };
        var retry = new Command("retry", "Queue dead-lettered cases for indexing again.") { reference };
        retry.TreatUnmatchedTokensAsErrors = false;
        retry.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, async (app, token) =>
        {
            await DeadLetters.RetryAsync(
                app.Services.GetRequiredService<NpgsqlDataSource>(),
                parseResult.GetValue(reference),
                app.Services.GetRequiredService<TimeProvider>(),
                Console.Out,
                token);
            return 0;
        }, cancellationToken));

        return new Command("dead-letters", "Search documents Elasticsearch refused for good.") { list, retry };
    }
}
