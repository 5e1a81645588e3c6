using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ccd.Conformance;

/// <summary>
/// <c>ccd-conformance --base-url URL --case-type T --jurisdiction J [events] [tokens] [--junit FILE]</c>: plays CCD's
/// data store against the service and prints one line per check and a summary. Exit code 0 when every check
/// passed, 1 when one failed, 2 when the tool was called wrongly or the service could not be reached.
/// </summary>
internal static class ConformanceCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var baseUrl = new Option<string>("--base-url") { Description = "The service's base URL (the one CCD's case-type-service-urls names).", Required = true };
        var caseType = new Option<string>("--case-type") { Description = "The case type CCD routes to the service.", Required = true };
        var jurisdiction = new Option<string>("--jurisdiction") { Description = "The case type's jurisdiction.", Required = true };
        var classification = new Option<string>("--security-classification") { Description = "The case type's classification.", DefaultValueFactory = _ => "PUBLIC" };
        var createEvent = new Option<string>("--create-event") { Description = "The event that creates a case.", DefaultValueFactory = _ => "create" };
        var createState = new Option<string>("--create-state") { Description = "The state after the create event.", DefaultValueFactory = _ => "Open" };
        var createData = new Option<string>("--create-data") { Description = "case_data of the create, a JSON object.", DefaultValueFactory = _ => "{}" };
        var updateEvent = new Option<string>("--update-event") { Description = "An event that changes the case.", DefaultValueFactory = _ => "update" };
        var updateState = new Option<string>("--update-state") { Description = "The state after the update event (default: the create's state)." };
        var updateData = new Option<string>("--update-data") { Description = "Fields merged into case_data by the update, a JSON object (default: a changed conformance_note)." };
        var staleEvent = new Option<string>("--stale-event") { Description = "An event, valid after the update, sent with the version from before it (default: the update event)." };
        var staleState = new Option<string>("--stale-state") { Description = "The state after the stale event (default: the update's state)." };
        var staleData = new Option<string>("--stale-data") { Description = "Fields merged into case_data by the stale event (default: another conformance_note)." };
        var userToken = new Option<string>("--user-token") { Description = "The IdAM user token (or set CCD_USER_TOKEN)." };
        var userTokenCommand = new Option<string>("--user-token-command") { Description = "A shell command printing the user token." };
        var serviceToken = new Option<string>("--service-token") { Description = "The S2S token of ccd_data (or set CCD_SERVICE_TOKEN)." };
        var serviceTokenCommand = new Option<string>("--service-token-command") { Description = "A shell command printing the service token." };
        var junit = new Option<string>("--junit") { Description = "Also write a JUnit XML report to this file." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each answer.", DefaultValueFactory = _ => 30 };

        var root = new RootCommand("Plays CCD's data store against a /ccd-persistence API and checks every answer as CCD's client does.");
        foreach (var option in new Option[]
                 {
                     baseUrl, caseType, jurisdiction, classification, createEvent, createState, createData, updateEvent, updateState, updateData,
                     staleEvent, staleState, staleData, userToken, userTokenCommand, serviceToken, serviceTokenCommand, junit, timeout,
                 })
        {
            root.Options.Add(option);
        }

        root.SetAction(async (parse, token) =>
        {
            try
            {
                var note = Guid.NewGuid().ToString("N")[..8];
                var create = new EventSpec(parse.GetValue(createEvent)!, parse.GetValue(createState)!, JsonObjectOption("--create-data", parse.GetValue(createData)));
                var update = new EventSpec(
                    parse.GetValue(updateEvent)!,
                    parse.GetValue(updateState) ?? create.PostState,
                    JsonObjectOption("--update-data", parse.GetValue(updateData) ?? $$"""{"conformance_note":"updated {{note}}"}"""));
                var stale = new EventSpec(
                    parse.GetValue(staleEvent) ?? update.EventId,
                    parse.GetValue(staleState) ?? update.PostState,
                    JsonObjectOption("--stale-data", parse.GetValue(staleData) ?? $$"""{"conformance_note":"stale {{note}}"}"""));
                var spec = new CaseTypeSpec(parse.GetValue(caseType)!, parse.GetValue(jurisdiction)!, parse.GetValue(classification)!, create, update, stale);
                var user = await TokenSource.ResolveAsync("user", parse.GetValue(userToken), parse.GetValue(userTokenCommand), "CCD_USER_TOKEN", token);
                var service = await TokenSource.ResolveAsync("service", parse.GetValue(serviceToken), parse.GetValue(serviceTokenCommand), "CCD_SERVICE_TOKEN", token);
                if (!Uri.TryCreate(parse.GetValue(baseUrl), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    throw new ConformanceUsageException("--base-url must be an absolute http(s) URL.");
                }

                using var http = new HttpClient
                {
                    BaseAddress = new Uri(url.ToString().TrimEnd('/') + "/"),
                    Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                };

                output.WriteLine($"ccd-conformance: {spec.CaseTypeId} ({spec.Jurisdiction}) at {http.BaseAddress}");
                var log = new CheckLog(output);
                var clock = Stopwatch.StartNew();
                await new ConformanceRun(new PersistenceClient(http, user, service), spec, log).RunAsync(token);
                var failed = log.Results.Count(r => !r.Passed);
                output.WriteLine($"{log.Results.Count} checks: {log.Results.Count - failed} passed, {failed} failed");
                if (parse.GetValue(junit) is { Length: > 0 } report)
                {
                    JUnitReport.Write(report, log.Results, "ccd-conformance." + spec.CaseTypeId, clock.Elapsed);
                }

                return failed == 0 ? 0 : 1;
            }
            catch (ConformanceUsageException exception)
            {
                error.WriteLine(exception.Message);
                return 2;
            }
            catch (HttpRequestException exception)
            {
                error.WriteLine($"The service could not be reached: {exception.Message}");
                return 2;
            }
            catch (TaskCanceledException) when (!token.IsCancellationRequested)
            {
                error.WriteLine("The service did not answer within --timeout.");
                return 2;
            }
        });

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var parseError in result.Errors)
            {
                error.WriteLine(parseError.Message);
            }

            return 2;
        }

        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static JsonObject JsonObjectOption(string name, string? text)
    {
        try
        {
            return JsonNode.Parse(text ?? "{}") as JsonObject ?? throw new ConformanceUsageException($"{name} must be a JSON object.");
        }
        catch (JsonException exception)
        {
            throw new ConformanceUsageException($"{name} is not JSON: {exception.Message}");
        }
    }
}
