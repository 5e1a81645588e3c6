using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ccd.Conformance.Tests;

/// <summary>
/// A small /ccd-persistence server for the kit's own tests: in memory, correct by default (so that the kit's
/// checks are shown to pass on a right answer), and wrong in the ways <see cref="StubFaults"/> names.
/// It accepts exactly one user token and one service token (with or without <c>Bearer</c>).
/// </summary>
public sealed class StubPersistenceServer : IAsyncDisposable
{
    public const string UserToken = "stub-user-token";
    public const string ServiceToken = "stub-service-token";

    private readonly WebApplication _app;
    private readonly StubFaults _faults;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<long, StubCase> _cases = [];
    private readonly Dictionary<string, (long Reference, string Body)> _keys = new(StringComparer.Ordinal);
    private long _eventIds = 100;

    private StubPersistenceServer(WebApplication app, StubFaults faults)
    {
        _app = app;
        _faults = faults;
    }

    public Uri Url { get; private set; } = null!;

    public static async Task<StubPersistenceServer> StartAsync(StubFaults faults)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stub = new StubPersistenceServer(app, faults);
        app.MapPost("/ccd-persistence/cases", (Delegate)stub.SubmitAsync);
        app.MapGet("/ccd-persistence/cases", (Delegate)stub.ReadAsync);
        app.MapGet("/ccd-persistence/cases/{reference}/history", stub.HistoryAsync);
        app.MapGet("/ccd-persistence/cases/{reference}/history/{eventId}", stub.HistoryEventAsync);
        app.MapPost("/ccd-persistence/cases/{reference}/supplementary-data", stub.SupplementaryAsync);
        await app.StartAsync();
        stub.Url = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _lock.Dispose();
    }

    private sealed class StubCase
    {
        public required long Reference { get; init; }

        public required string CaseTypeId { get; init; }

        public required string Jurisdiction { get; init; }

        public required string Classification { get; init; }

        public required DateTime Created { get; init; }

        public string State { get; set; } = "";

        public JsonObject Data { get; set; } = [];

        public JsonObject Supplementary { get; set; } = [];

        public int Version { get; set; } = 1;

        public int Revision { get; set; } = 1;

        public DateTime Modified { get; set; }

        public List<JsonObject> History { get; } = [];
    }

    private async Task<IResult> SubmitAsync(HttpContext context)
    {
        if (!Authenticated(context.Request))
        {
            return Results.StatusCode(401);
        }

        if (!Guid.TryParse(context.Request.Headers["Idempotency-Key"].ToString(), out _))
        {
            return Results.BadRequest(new { message = "Idempotency-Key is required" });
        }

        var key = context.Request.Headers["Idempotency-Key"].ToString();
        var body = await JsonNode.ParseAsync(context.Request.Body);
        var proposed = body?["case_details"] as JsonObject;
        if (proposed?["id"] is not JsonValue idValue || !idValue.TryGetValue<long>(out var reference))
        {
            return Results.BadRequest(new { message = "case_details.id is required" });
        }

        await _lock.WaitAsync();
        try
        {
            if (_keys.TryGetValue(key, out var stored))
            {
                if (stored.Reference != reference)
                {
                    return Results.UnprocessableEntity(new { message = "Idempotency-Key used for another case" });
                }

                return _faults.HasFlag(StubFaults.ServerErrorOnDuplicateCreate)
                    ? Results.StatusCode(500)
                    : Results.Text(stored.Body, "application/json", statusCode: 200);
            }

            var now = DateTime.UtcNow;
            var eventId = body!["event_details"]?["event_id"]?.GetValue<string>() ?? "";
            StubCase? stubCase;
            if (body["case_details_before"] is null)
            {
                if (_cases.ContainsKey(reference))
                {
                    return Results.Conflict(new { message = "Case already exists" });
                }

                stubCase = new StubCase
                {
                    Reference = reference,
                    CaseTypeId = proposed["case_type_id"]!.GetValue<string>(),
                    Jurisdiction = proposed["jurisdiction"]!.GetValue<string>(),
                    Classification = proposed["security_classification"]?.GetValue<string>() ?? "PUBLIC",
                    Created = now,
                    Supplementary = proposed["supplementary_data"] as JsonObject is { } supplementary ? supplementary.DeepClone().AsObject() : [],
                };
                _cases[reference] = stubCase;
            }
            else
            {
                if (!_cases.TryGetValue(reference, out stubCase))
                {
                    return Results.NotFound();
                }

                if (proposed["version"]?.GetValue<int>() != stubCase.Version)
                {
                    return Results.Conflict(new { message = "The case changed", currentVersion = stubCase.Version });
                }

                stubCase.Version++;
                stubCase.Revision++;
            }

            stubCase.State = proposed["state"]?.GetValue<string>() ?? "";
            stubCase.Data = proposed["case_data"] as JsonObject is { } data ? data.DeepClone().AsObject() : [];
            stubCase.Modified = now;
            stubCase.History.Insert(0, new JsonObject
            {
                ["id"] = Interlocked.Increment(ref _eventIds),
                ["case_reference"] = reference,
                ["event"] = new JsonObject
                {
                    ["id"] = eventId,
                    ["event_name"] = eventId,
                    ["summary"] = null,
                    ["description"] = null,
                    ["user_id"] = "stub-user",
                    ["user_first_name"] = "Stub",
                    ["user_last_name"] = "User",
                    ["created_date"] = Date(now),
                    ["case_type_id"] = stubCase.CaseTypeId,
                    ["case_type_version"] = 1,
                    ["state_id"] = stubCase.State,
                    ["state_name"] = stubCase.State,
                    ["data"] = stubCase.Data.DeepClone(),
                    ["data_classification"] = new JsonObject(),
                    ["security_classification"] = stubCase.Classification,
                    ["significant_item"] = null,
                    ["proxied_by"] = null,
                    ["proxied_by_first_name"] = null,
                    ["proxied_by_last_name"] = null,
                },
            });
            var response = new JsonObject { ["case_details"] = Details(stubCase) };
            if (!_faults.HasFlag(StubFaults.OmitRevision))
            {
                response["revision"] = stubCase.Revision;
            }

            response["errors"] = new JsonArray();
            response["warnings"] = new JsonArray();
            response["ignore_warning"] = false;
            var text = response.ToJsonString();
            _keys[key] = (reference, text);
            return Results.Text(text, "application/json", statusCode: 201);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<IResult> ReadAsync(HttpContext context)
    {
        if (!Authenticated(context.Request))
        {
            return Results.StatusCode(401);
        }

        var references = new List<long>();
        foreach (var part in context.Request.Query["case-refs"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (part.Length != 16 || !long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var reference))
            {
                return Results.BadRequest(new { field = "case-refs" });
            }

            references.Add(reference);
        }

        await _lock.WaitAsync();
        try
        {
            var array = new JsonArray();
            foreach (var reference in references.Distinct().Order())
            {
                if (_cases.TryGetValue(reference, out var stubCase))
                {
                    var item = new JsonObject { ["case_details"] = Details(stubCase) };
                    if (!_faults.HasFlag(StubFaults.OmitRevision))
                    {
                        item["revision"] = stubCase.Revision;
                    }

                    array.Add(item);
                }
            }

            return Results.Text(array.ToJsonString(), "application/json");
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<IResult> HistoryAsync(HttpContext context, string reference)
    {
        if (!Authenticated(context.Request))
        {
            return Results.StatusCode(401);
        }

        await _lock.WaitAsync();
        try
        {
            var list = _cases.TryGetValue(long.Parse(reference, CultureInfo.InvariantCulture), out var stubCase) ? stubCase.History : [];
            return Results.Text(new JsonArray([.. list.Select(e => (JsonNode)e.DeepClone())]).ToJsonString(), "application/json");
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<IResult> HistoryEventAsync(HttpContext context, string reference, string eventId)
    {
        if (!Authenticated(context.Request))
        {
            return Results.StatusCode(401);
        }

        if (!long.TryParse(eventId, CultureInfo.InvariantCulture, out var id))
        {
            return Results.BadRequest();
        }

        await _lock.WaitAsync();
        try
        {
            var found = _cases.TryGetValue(long.Parse(reference, CultureInfo.InvariantCulture), out var stubCase)
                ? stubCase.History.FirstOrDefault(e => e["id"]!.GetValue<long>() == id)
                : null;
            return found is null ? Results.NotFound() : Results.Text(found.ToJsonString(), "application/json");
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<IResult> SupplementaryAsync(HttpContext context, string reference)
    {
        if (!Authenticated(context.Request))
        {
            return Results.StatusCode(401);
        }

        JsonObject? updates;
        try
        {
            updates = (await JsonNode.ParseAsync(context.Request.Body))?["supplementary_data_updates"] as JsonObject;
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        if (updates is null || updates.Count == 0 || updates.Any(op => op.Key is not ("$set" or "$inc") || op.Value is not JsonObject { Count: > 0 }))
        {
            return Results.BadRequest(new { field = "supplementary_data_updates" });
        }

        if (updates["$inc"] is JsonObject increments && increments.Any(i => i.Value is not JsonValue v || !v.TryGetValue<long>(out _)))
        {
            return Results.BadRequest(new { field = "$inc" });
        }

        await _lock.WaitAsync();
        try
        {
            if (!_cases.TryGetValue(long.Parse(reference, CultureInfo.InvariantCulture), out var stubCase))
            {
                return Results.NotFound();
            }

            var result = stubCase.Supplementary.DeepClone().AsObject();
            foreach (var (path, value) in updates["$set"] as JsonObject ?? [])
            {
                Parent(result, path, out var leaf)[leaf] = value?.DeepClone();
            }

            foreach (var (path, value) in updates["$inc"] as JsonObject ?? [])
            {
                var parent = Parent(result, path, out var leaf);
                var current = parent[leaf] is JsonValue existing && existing.TryGetValue<long>(out var number) ? number : 0;
                parent[leaf] = current + value!.GetValue<long>();
            }

            stubCase.Supplementary = result;
            stubCase.Revision++;
            stubCase.Modified = DateTime.UtcNow;
            return Results.Text(new JsonObject { ["supplementary_data"] = result.DeepClone() }.ToJsonString(), "application/json");
        }
        finally
        {
            _lock.Release();
        }
    }

    private JsonObject Details(StubCase stubCase)
    {
        var details = new JsonObject
        {
            ["id"] = stubCase.Reference,
            ["jurisdiction"] = stubCase.Jurisdiction,
            ["case_type_id"] = stubCase.CaseTypeId,
            ["state"] = stubCase.State,
            ["version"] = stubCase.Version,
            ["security_classification"] = stubCase.Classification,
            ["case_data"] = stubCase.Data.DeepClone(),
            ["data_classification"] = new JsonObject(),
            ["supplementary_data"] = stubCase.Supplementary.DeepClone(),
            ["created_date"] = Date(stubCase.Created),
            ["last_modified"] = Date(stubCase.Modified),
            ["last_state_modified_date"] = Date(stubCase.Created),
        };
        if (_faults.HasFlag(StubFaults.UnknownField))
        {
            details["stub_extra"] = true;
        }

        return details;
    }

    private string Date(DateTime value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + (_faults.HasFlag(StubFaults.OffsetDates) ? "+01:00" : "");

    private static JsonObject Parent(JsonObject root, string path, out string leaf)
    {
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject next)
            {
                node[segment] = next = [];
            }

            node = next;
        }

        leaf = segments[^1];
        return node;
    }

    private static bool Authenticated(HttpRequest request)
    {
        var service = request.Headers["ServiceAuthorization"].ToString();
        return request.Headers.Authorization.ToString() == "Bearer " + UserToken
            && (service == ServiceToken || service == "Bearer " + ServiceToken);
    }
}
