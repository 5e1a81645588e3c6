using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ccd.Runtime.Database;
using Ccd.Runtime.Status;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ccd.Runtime.Commands;

/// <summary><c>status [--json]</c>: schema version, cases per case type, queue depths and ages, dead letters, failed jobs, import progress.</summary>
internal static class StatusCommand
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static Command Create(CcdCommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON, for scripts." };
        var command = new Command("status", "Show schema version, cases, queue depths and ages, dead letters, failed jobs and import progress.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(json);
        command.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, async (app, token) =>
        {
            await app.Services.GetRequiredService<DatabaseStartup>().CheckConnectivityAsync(token);
            var reader = new StatusReader(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Services.GetRequiredService<TimeProvider>());
            var report = await reader.ReadAsync(token);
            Console.Out.Write(parseResult.GetValue(json) ? JsonSerializer.Serialize(report, Json) + Environment.NewLine : Render(report));
            return 0;
        }, cancellationToken));
        return command;
    }

    internal static string Render(StatusReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        lines.Add("schema:        " + (report.Schema.Count == 0 ? "(no migrations applied)" : string.Join(", ", report.Schema.Select(s => $"{s.Key} {s.Value}"))));
        lines.Add("cases:         " + (report.CasesByCaseType.Count == 0 ? "none" : string.Join(", ", report.CasesByCaseType.Select(s => string.Create(c, $"{s.Key} {s.Value}")))));
        lines.Add(string.Create(c, $"search queue:  {report.SearchQueue.Depth} waiting{Age(report.SearchQueue)}, {report.SearchDeadLetters} dead letter(s)"));
        lines.Add(string.Create(c, $"outbox:        {report.Outbox.Depth} unsent{Age(report.Outbox)}, {report.OutboxParked} parked"));
        lines.Add(string.Create(c, $"jobs:          {report.Jobs.Queued} queued, {report.Jobs.Running} running, {report.Jobs.Failed} failed"));
        foreach (var import in report.Imports)
        {
            lines.Add(string.Create(c, $"import {import.CaseTypeId}: {import.Phase}, {import.CasesCopied} cases, {import.EventsCopied} events, high-water mark {import.HighWaterMark}"));
        }

        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static string Age(QueueFigures figures) =>
        figures.OldestAgeSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $" (oldest {seconds} s)") : string.Empty;
}
