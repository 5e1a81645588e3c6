using System.CommandLine;
using System.Globalization;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.CentralCcd;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Ccd.Runtime.Import;
using Ccd.Runtime.Writing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.Commands;

/// <summary>
/// <c>import --case-types A,B [--source URL] [--phase all|preload|cutover] [--batch-size N] [--max-run-time T] [--verify [--live --sample N]]</c>: copies
/// cases and their history from a central CCD database (SPEC 6; runbook in docs/operations.md).
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CcdCommandContext context)
    {
        var caseTypes = new Option<string>("--case-types") { Description = "Comma-separated case type ids to import.", Required = true };
        var sourceOption = new Option<string?>("--source") { Description = $"The CCD database (postgres:// URL or connection string); default ${SourceDatabase.Variable}." };
        var phase = new Option<ImportPhase>("--phase") { Description = "preload (CCD still owns the cases), cutover (CCD stopped), or all.", DefaultValueFactory = _ => ImportPhase.All };
        var batchSize = new Option<int>("--batch-size") { Description = "Cases per preload batch, events per cutover batch.", DefaultValueFactory = _ => 500 };
        var maxRunTime = new Option<TimeSpan?>("--max-run-time") { Description = "Stop after the batch that ends past this time (hh:mm:ss); run again to resume." };
        var verify = new Option<bool>("--verify") { Description = "Copy nothing: compare counts and every case's content and history between CCD and this store." };
        var live = new Option<bool>("--live") { Description = "With --verify: read a sample of cases from CCD's data store API (as the system user) and from /ccd-persistence, and list every field that differs." };
        var sample = new Option<int>("--sample") { Description = "With --live: cases read per case type.", DefaultValueFactory = _ => 20 };
        var command = new Command("import", "Copy cases and their history from a central CCD database (preload, then cutover).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(caseTypes);
        command.Options.Add(sourceOption);
        command.Options.Add(phase);
        command.Options.Add(batchSize);
        command.Options.Add(maxRunTime);
        command.Options.Add(verify);
        command.Options.Add(live);
        command.Options.Add(sample);
        command.SetAction((parseResult, cancellationToken) => context.RunAsync(parseResult, async (app, token) =>
        {
            var types = parseResult.GetRequiredValue(caseTypes).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (types.Length == 0)
            {
                await Console.Error.WriteLineAsync("error: --case-types names no case type.");
                return 2;
            }

            var catalog = app.Services.GetRequiredService<CaseTypeCatalog>();
            if (types.FirstOrDefault(t => !catalog.TryGet(t, out _)) is { } undeclared)
            {
                await Console.Error.WriteLineAsync($"error: case type '{undeclared}' is not declared by this service (declared: {string.Join(", ", catalog.All.Select(d => d.Id).Order(StringComparer.Ordinal))}); nothing was imported.");
                return 2;
            }

            if (parseResult.GetValue(live) && (!parseResult.GetValue(verify) || parseResult.GetValue(sample) < 1))
            {
                await Console.Error.WriteLineAsync("error: --live is a kind of --verify (import --verify --live --sample N, N at least 1).");
                return 2;
            }

            await app.Services.GetRequiredService<DatabaseStartup>().EnsureReadyAsync(token);
            var target = app.Services.GetRequiredService<NpgsqlDataSource>();
            if (parseResult.GetValue(live))
            {
                if (app.Services.GetRequiredService<IOptions<CentralCcdOptions>>().Value.Problem() is { } problem)
                {
                    throw new CcdStartupException($"{problem}: import --verify --live reads CCD's data store as the system user");
                }

                var verifier = new LiveVerifier(target, app.Services, app.Services.GetRequiredService<CcdDataStoreClient>());
                return LiveVerifyReport.Write(Console.Out, await verifier.VerifyAsync(types, parseResult.GetValue(sample), token)) ? 0 : 1;
            }

            try
            {
                await using var source = SourceDatabase.Open(parseResult.GetValue(sourceOption), Environment.GetEnvironmentVariable);
                return parseResult.GetValue(verify)
                    ? await VerifyAsync(new ImportVerifier(target, source), types, token)
                    : await ImportAsync(app.Services, target, source, new ImportOptions
                    {
                        CaseTypes = types,
                        Phase = parseResult.GetValue(phase),
                        BatchSize = parseResult.GetValue(batchSize),
                        MaxRunTime = parseResult.GetValue(maxRunTime),
                    }, token);
            }
            catch (ImportException exception)
            {
                await Console.Error.WriteLineAsync($"error: {exception.Message}");
                return 1;
            }
        }, cancellationToken));
        return command;
    }

    private static async Task<int> ImportAsync(IServiceProvider services, NpgsqlDataSource target, NpgsqlDataSource source, ImportOptions options, CancellationToken cancellationToken)
    {
        var importer = new CaseImporter(target, source, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<CaseImporter>>(),
            services.GetRequiredService<CaseWritePipeline>());
        var summary = await importer.RunAsync(options, new ImportProgressLine(Console.Error, !Console.IsErrorRedirected), cancellationToken);
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c,
            $"imported {summary.Cases} cases, {summary.Events} events in {summary.Elapsed.TotalSeconds:0.0} s ({string.Join(",", options.CaseTypes)}, phase {options.Phase.ToString().ToLowerInvariant()})"));
        if (summary.Removed.Count > 0)
        {
            Console.WriteLine(string.Create(c, $"removed {summary.Removed.Count} case(s) CCD deleted since the preload: {string.Join(", ", summary.Removed)}"));
        }

        if (summary.Refreshed.Count > 0)
        {
            Console.WriteLine(string.Create(c, $"refreshed {summary.Refreshed.Count} case(s) CCD changed without an event since their import: {string.Join(", ", summary.Refreshed)}"));
        }

        if (summary.MovedOn.Count > 0)
        {
            Console.WriteLine(string.Create(c, $"left {summary.MovedOn.Count} case(s) alone that changed here since their import: {string.Join(", ", summary.MovedOn.Take(20))}{(summary.MovedOn.Count > 20 ? ", ..." : "")}"));
        }

        return 0;
    }

    private static async Task<int> VerifyAsync(ImportVerifier verifier, IEnumerable<string> caseTypes, CancellationToken cancellationToken) =>
        ImportVerifyReport.Write(Console.Out, await verifier.VerifyAsync(caseTypes, cancellationToken)) ? 0 : 1;
}
