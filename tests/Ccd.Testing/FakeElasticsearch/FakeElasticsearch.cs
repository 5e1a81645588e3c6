using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ccd.Testing.FakeElasticsearch;

/// <summary>
/// A tiny real Elasticsearch for tests and benchmarks: Kestrel on a free loopback port, serving <c>POST /_bulk</c>
/// (NDJSON, <c>index</c> and <c>delete</c>) with real <c>external_gte</c> version semantics per index and _id.
/// It keeps the documents, logs every request and item it receives (with the time), and injects faults
/// (429, 503, slow answers, dropped connections, per-document 400) on demand.
/// </summary>
public sealed class FakeElasticsearch : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly object _storeLock = new();
    private readonly Dictionary<(string Index, string Id), FakeStoredDocument> _store = [];
    private readonly ConcurrentQueue<FakeBulkRequest> _requests = new();
    private readonly ConcurrentQueue<FakeBulkItem> _items = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requestCounter;

    private FakeElasticsearch(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Chooses the fault for each request (null: none).</summary>
    public Func<FakeBulkRequest, FakeFault>? Faults { get; set; }

    /// <summary>How long a <see cref="FakeFault.Slow"/> request waits before it is answered. Default 5 s.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Documents to refuse with a 400 <c>mapper_parsing_exception</c>: (index, id, source) → refuse.</summary>
    public Func<string, string, string, bool>? Poison { get; set; }

    /// <summary>Whether sources are kept in the store and the item log (benchmarks turn it off to save memory). Default true.</summary>
    public bool KeepSources { get; set; } = true;

    /// <summary>Every bulk request received, in arrival order.</summary>
    public IReadOnlyList<FakeBulkRequest> Requests => _requests.ToArray();

    /// <summary>Every bulk item received (faulted requests included), in arrival order.</summary>
    public IReadOnlyList<FakeBulkItem> Items => _items.ToArray();

    /// <summary>Starts the fake on a free loopback port.</summary>
    public static async Task<FakeElasticsearch> StartAsync(TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var fake = new FakeElasticsearch(app, time ?? TimeProvider.System);
        app.MapPost("/_bulk", fake.BulkAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The stored document (or tombstone) of <paramref name="index"/>/<paramref name="id"/>, or null.</summary>
    public FakeStoredDocument? Get(string index, string id)
    {
        lock (_storeLock)
        {
            return _store.GetValueOrDefault((index, id));
        }
    }

    /// <summary>The live (not deleted) documents of <paramref name="index"/>, by _id.</summary>
    public IReadOnlyDictionary<string, FakeStoredDocument> Documents(string index)
    {
        lock (_storeLock)
        {
            return _store.Where(pair => pair.Key.Index == index && !pair.Value.Deleted).ToDictionary(pair => pair.Key.Id, pair => pair.Value);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking after every request; fails after the liveness <paramref name="ceiling"/>.</summary>
    public async Task WaitForAsync(Func<FakeElasticsearch, bool> condition, TimeSpan ceiling, string? what = null)
    {
        if (!await TryWaitForAsync(condition, ceiling))
        {
            throw new TimeoutException($"The fake Elasticsearch did not reach the expected state within {ceiling}{(what is null ? "" : $": {what}")}.");
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking after every request; false if it did not within <paramref name="wait"/>.</summary>
    public async Task<bool> TryWaitForAsync(Func<FakeElasticsearch, bool> condition, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (condition(this))
            {
                return true;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return condition(this);
            }
        }
    }

    private async Task BulkAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request);
        var actions = BulkParser.Parse(body);
        var number = Interlocked.Increment(ref _requestCounter);
        var receivedAt = _time.GetUtcNow();
        var preview = new FakeBulkRequest(number, receivedAt, actions.Count, FakeFault.None, context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null);
        var fault = Faults?.Invoke(preview) ?? FakeFault.None;
        _requests.Enqueue(preview with { Fault = fault });
        try
        {
            switch (fault)
            {
                case FakeFault.TooManyRequests:
                    LogItems(number, receivedAt, actions, _ => 429);
                    context.Response.StatusCode = 429;
                    await context.Response.WriteAsync("""{"error":{"type":"es_rejected_execution_exception","reason":"rejected by the fake"},"status":429}""");
                    return;
                case FakeFault.Unavailable:
                    LogItems(number, receivedAt, actions, _ => 503);
                    context.Response.StatusCode = 503;
                    await context.Response.WriteAsync("""{"error":{"type":"unavailable_shards_exception","reason":"unavailable in the fake"},"status":503}""");
                    return;
                case FakeFault.DropConnection:
                    LogItems(number, receivedAt, actions, _ => 0);
                    context.Abort();
                    return;
                case FakeFault.Slow:
                    LogItems(number, receivedAt, actions, _ => -1);
                    try
                    {
                        await Task.Delay(SlowDelay, _time, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    // A slow request still applies if the client waited for it, as Elasticsearch would.
                    await ApplyAsync(context, number, receivedAt, actions, log: false);
                    return;
                case FakeFault.MalformedBody or FakeFault.TruncatedBody:
                    await ApplyAsync(context, number, receivedAt, actions, log: true, fault);
                    return;
                case FakeFault.WrongContentType:
                    LogItems(number, receivedAt, actions, _ => 200);
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.WriteAsync("<html><body>Please sign in</body></html>");
                    return;
                default:
                    await ApplyAsync(context, number, receivedAt, actions, log: true);
                    return;
            }
        }
        finally
        {
            Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private async Task ApplyAsync(HttpContext context, int number, DateTimeOffset receivedAt, List<BulkAction> actions, bool log, FakeFault fault = FakeFault.None)
    {
        var results = new (int Status, string Result, string? ErrorType, string? Reason, long Version)[actions.Count];
        lock (_storeLock)
        {
            for (var i = 0; i < actions.Count; i++)
            {
                results[i] = Apply(actions[i]);
            }
        }

        if (log)
        {
            LogItems(number, receivedAt, actions, i => results[i].Status);
        }

        context.Response.ContentType = "application/json";
        using var answer = new MemoryStream();
        await using var writer = new Utf8JsonWriter(answer);
        writer.WriteStartObject();
        writer.WriteNumber("took", 1);
        writer.WriteBoolean("errors", results.Any(r => r.Status >= 300));
        writer.WriteStartArray("items");
        for (var i = 0; i < actions.Count; i++)
        {
            var (status, result, errorType, reason, version) = results[i];
            writer.WriteStartObject();
            writer.WriteStartObject(actions[i].Action);
            writer.WriteString("_index", actions[i].Index);
            writer.WriteString("_id", actions[i].Id);
            writer.WriteNumber("_version", version);
            writer.WriteString("result", result);
            if (fault != FakeFault.MalformedBody)
            {
                writer.WriteNumber("status", status);
            }

            if (errorType is not null)
            {
                writer.WriteStartObject("error");
                writer.WriteString("type", errorType);
                writer.WriteString("reason", reason);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync();
        var bytes = answer.ToArray();
        await context.Response.Body.WriteAsync(fault == FakeFault.TruncatedBody ? bytes.AsMemory(0, bytes.Length / 2) : bytes);
    }

    // external_gte: the request's version must be at least the stored one (a tombstone counts), else 409.
    private (int Status, string Result, string? ErrorType, string? Reason, long Version) Apply(BulkAction action)
    {
        if (action.Error is not null)
        {
            return (400, "error", "action_request_validation_exception", action.Error, 0);
        }

        var key = (action.Index, action.Id);
        var existing = _store.GetValueOrDefault(key);
        if (existing is not null && action.Version < existing.Version)
        {
            return (409, "error", "version_conflict_engine_exception",
                $"[{action.Id}]: version conflict, current version [{existing.Version}] is higher than the one provided [{action.Version}]", existing.Version);
        }

        if (action.Action == "delete")
        {
            _store[key] = new FakeStoredDocument(action.Version, null, Deleted: true);
            return existing is null || existing.Deleted ? (404, "not_found", null, null, action.Version) : (200, "deleted", null, null, action.Version);
        }

        if (Poison?.Invoke(action.Index, action.Id, action.Source!) == true)
        {
            return (400, "error", "mapper_parsing_exception", "failed to parse (poisoned by the fake)", 0);
        }

        _store[key] = new FakeStoredDocument(action.Version, KeepSources ? action.Source : null, Deleted: false);
        return existing is null || existing.Deleted ? (201, "created", null, null, action.Version) : (200, "updated", null, null, action.Version);
    }

    private void LogItems(int number, DateTimeOffset receivedAt, List<BulkAction> actions, Func<int, int> status)
    {
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            _items.Enqueue(new FakeBulkItem(number, receivedAt, action.Action, action.Index, action.Id, action.Version, KeepSources ? action.Source : null, status(i)));
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed record BulkAction(string Action, string Index, string Id, long Version, string? Source, string? Error);

    /// <summary>Reads the NDJSON of a bulk request: an action line, then a source line for index actions.</summary>
    private static class BulkParser
    {
        public static List<BulkAction> Parse(byte[] body)
        {
            var lines = Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var actions = new List<BulkAction>(lines.Length / 2 + 1);
            for (var i = 0; i < lines.Length; i++)
            {
                using var line = JsonDocument.Parse(lines[i]);
                var property = line.RootElement.EnumerateObject().First();
                var meta = property.Value;
                var index = meta.GetProperty("_index").GetString()!;
                var id = meta.GetProperty("_id").GetString()!;
                var hasVersion = meta.TryGetProperty("version", out var version);
                var versionType = meta.TryGetProperty("version_type", out var type) ? type.GetString() : null;
                string? source = null;
                if (property.Name == "index")
                {
                    source = lines[++i];
                }

                // The fake only speaks what the indexer must send: external_gte versions on every item.
                var error = hasVersion && versionType == "external_gte" ? null : "only version_type external_gte with a version is supported by the fake";
                actions.Add(new BulkAction(property.Name, index, id, hasVersion ? version.GetInt64() : 0, source, error));
            }

            return actions;
        }
    }
}
