using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ccd.Runtime.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Ccd.Testing.FakeCcd;

/// <summary>
/// CCD's data store for a decentralised case type, as a service's system user meets it: the v2 read
/// (<c>GET /cases/{id}</c>, needs <c>experimental</c>) and the v1 caseworker start and submit of an event. It keeps
/// its own pointer rows (reference, case type, resolved TTL, version); reads and starts go to the service's
/// <c>GET /ccd-persistence/cases</c>, and a submit really calls the service's <c>POST /ccd-persistence/cases</c>
/// with CCD's payload (TTL increment applied, idempotency key from the start token), then updates the pointer as
/// CCD does. <see cref="DisposeExpiredPointers"/> is the central case disposer.
/// </summary>
public sealed class FakeCcdDataStore
{
    private const string CaseV2MediaType = "application/vnd.uk.gov.hmcts.ccd-data-store-api.case.v2+json;charset=UTF-8";

    private readonly TimeProvider _time;
    private readonly FakeIdam _idam;
    private readonly FakeS2s _s2s;
    private readonly ConcurrentDictionary<long, FakePointer> _pointers = new();
    private readonly ConcurrentDictionary<string, StartToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeCcdRequest> _requests = new();
    private long _nextId = 1000;

    internal FakeCcdDataStore(TimeProvider time, FakeIdam idam, FakeS2s s2s)
    {
        _time = time;
        _idam = idam;
        _s2s = s2s;
    }

    /// <summary>Creates the clients that reach the service's <c>/ccd-persistence</c> (required before any read or event).</summary>
    public Func<HttpClient>? Service { get; set; }

    /// <summary>The S2S token the data store calls the service with.</summary>
    public Func<string> ServiceToken { get; set; } = () => TestTokens.Service();

    /// <summary>Microservices the data store lets in (CCD's <c>DATA_STORE_S2S_AUTHORISED_SERVICES</c>).</summary>
    public HashSet<string> AuthorisedServices { get; } = new(StringComparer.Ordinal);

    /// <summary>The definition's events, by id. By default the two of retain-and-dispose.</summary>
    public Dictionary<string, FakeEventDefinition> Events { get; } = new(StringComparer.Ordinal)
    {
        ["MarkForDisposal"] = new("Mark for disposal", PreStates: null, PostState: "PendingDisposal", TtlIncrementDays: null),
        ["ConfirmDisposal"] = new("Confirm disposal", PreStates: ["PendingDisposal"], PostState: "PendingDisposal", TtlIncrementDays: 0),
    };

    /// <summary>
    /// CCD's own database (a <see cref="CcdSourceDatabase"/>) for the cases CCD still stores itself (case types not yet
    /// routed to the service): <c>GET /cases/{id}</c> of a case without a pointer here reads its <c>case_data</c> row
    /// and renders it as CCD renders a v2 <c>CaseResource</c>. Null: only pointer cases exist.
    /// </summary>
    public string? CentralDatabase { get; set; }

    /// <summary>Changes a v2 read's answer before it is sent (a field CCD shows differently from the service).</summary>
    public Func<JsonObject, JsonObject>? AlterRead { get; set; }

    /// <summary>States the system user may not read (CCD answers 404 for them, as for a missing case).</summary>
    public HashSet<string> UnreadableStates { get; } = new(StringComparer.Ordinal);

    /// <summary>Answers a request with this status instead of handling it (null: handle it).</summary>
    public Func<FakeCcdRequest, HttpStatusCode?>? Faults { get; set; }

    /// <summary>Every request received, in arrival order, with the status it was answered.</summary>
    public IReadOnlyList<FakeCcdRequest> Requests => _requests.ToArray();

    /// <summary>The pointer rows.</summary>
    public IReadOnlyDictionary<long, FakePointer> Pointers => _pointers;

    /// <summary>Adds the pointer row CCD writes when a case is created (or that import leaves behind).</summary>
    public FakePointer AddPointer(long reference, string jurisdiction, string caseTypeId, DateOnly? resolvedTtl = null, int version = 1)
    {
        var pointer = new FakePointer(Interlocked.Increment(ref _nextId), reference, jurisdiction, caseTypeId, resolvedTtl, version);
        _pointers[reference] = pointer;
        return pointer;
    }

    /// <summary>Deletes a pointer (a case deleted in CCD).</summary>
    public bool RemovePointer(long reference) => _pointers.TryRemove(reference, out _);

    /// <summary>What ccd-case-disposer does: deletes every pointer whose resolved TTL is before today, whatever its state.</summary>
    public IReadOnlyList<long> DisposeExpiredPointers()
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var expired = _pointers.Values.Where(p => p.ResolvedTtl is { } ttl && ttl < today).Select(p => p.Reference).ToList();
        foreach (var reference in expired)
        {
            _pointers.TryRemove(reference, out _);
        }

        return expired;
    }

    internal void Map(WebApplication app)
    {
        app.MapGet("/cases/{caseId}", (HttpContext http, string caseId) => HandleAsync(http, () => ReadAsync(http, caseId)));
        app.MapGet("/caseworkers/{uid}/jurisdictions/{jid}/case-types/{ctid}/cases/{cid}/event-triggers/{etid}/token",
            (HttpContext http, string uid, string jid, string ctid, string cid, string etid) => HandleAsync(http, () => StartAsync(http, uid, jid, ctid, cid, etid)));
        app.MapPost("/caseworkers/{uid}/jurisdictions/{jid}/case-types/{ctid}/cases/{cid}/events",
            (HttpContext http, string uid, string jid, string ctid, string cid) => HandleAsync(http, () => SubmitAsync(http, uid, jid, ctid, cid)));
    }

    private async Task<IResult> HandleAsync(HttpContext http, Func<Task<IResult>> handle)
    {
        var request = new FakeCcdRequest(http.Request.Method, http.Request.Path + http.Request.QueryString, null);
        IResult result;
        if (Faults?.Invoke(request) is { } fault)
        {
            result = Error(fault, "injected fault");
        }
        else if (_idam.Validate(http.Request.Headers.Authorization) is null)
        {
            result = Error(HttpStatusCode.Unauthorized, "Unauthorised");
        }
        else if (_s2s.Validate(http.Request.Headers["ServiceAuthorization"]) is not { } service || (AuthorisedServices.Count > 0 && !AuthorisedServices.Contains(service)))
        {
            result = Error(HttpStatusCode.Forbidden, "Forbidden");
        }
        else
        {
            result = await handle();
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;
        _requests.Enqueue(request with { Status = (HttpStatusCode)status });
        return result;
    }

    private async Task<IResult> ReadAsync(HttpContext http, string caseId)
    {
        if (!http.Request.Headers.ContainsKey("experimental"))
        {
            return Error(HttpStatusCode.BadRequest, "experimental header required");
        }

        if (!long.TryParse(caseId, NumberStyles.None, CultureInfo.InvariantCulture, out var reference))
        {
            return Error(HttpStatusCode.BadRequest, "Case ID is not valid");
        }

        if (!_pointers.TryGetValue(reference, out var pointer))
        {
            return CentralDatabase is not null && await ReadCentralAsync(reference) is { } central
                ? Results.Json(AlterRead?.Invoke(central) ?? central, contentType: CaseV2MediaType)
                : Error(HttpStatusCode.NotFound, "No case found");
        }

        var read = await ReadFromServiceAsync(http, pointer);
        if (read is null || UnreadableStates.Contains(read.Details["state"]!.GetValue<string>()))
        {
            return Error(HttpStatusCode.NotFound, "No case found");
        }

        var details = read.Details;
        var body = new JsonObject
        {
            ["id"] = reference.ToString(CultureInfo.InvariantCulture),
            ["jurisdiction"] = details["jurisdiction"]?.DeepClone(),
            ["case_type"] = details["case_type_id"]?.DeepClone(),
            ["created_on"] = details["created_date"]?.DeepClone(),
            ["last_modified_on"] = details["last_modified"]?.DeepClone(),
            ["last_state_modified_on"] = details["last_state_modified_date"]?.DeepClone(),
            ["state"] = details["state"]?.DeepClone(),
            ["security_classification"] = details["security_classification"]?.DeepClone(),
            ["data"] = details["case_data"]?.DeepClone() ?? new JsonObject(),
            ["data_classification"] = details["data_classification"]?.DeepClone() ?? new JsonObject(),
            ["after_submit_callback_response"] = null,
            ["callback_response_status_code"] = null,
            ["callback_response_status"] = null,
            ["callback_error_message"] = null,
            ["delete_draft_response_status_code"] = null,
            ["delete_draft_response_status"] = null,
        };
        return Results.Json(AlterRead?.Invoke(body) ?? body, contentType: CaseV2MediaType);
    }

    private const string CentralCaseSql = """
        SELECT reference, jurisdiction, case_type_id, created_date, last_modified, last_state_modified_date, state,
               security_classification::text, data::text, coalesce(data_classification, '{}'::jsonb)::text
        FROM case_data WHERE reference = @reference
        """;

    // A case CCD stores itself, as its v2 CaseResource shows it: the row's columns, timestamps as Java's
    // LocalDateTime prints them (ISO, the fraction only when there is one).
    private async Task<JsonObject?> ReadCentralAsync(long reference)
    {
        await using var dataSource = NpgsqlDataSource.Create(CentralDatabase!);
        await using var command = dataSource.CreateCommand(CentralCaseSql);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlTypes.NpgsqlDbType.Bigint) { TypedValue = reference });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return new JsonObject
        {
            ["id"] = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture),
            ["jurisdiction"] = reader.GetString(1),
            ["case_type"] = reader.GetString(2),
            ["created_on"] = LocalDateTime(reader.GetDateTime(3)),
            ["last_modified_on"] = reader.IsDBNull(4) ? null : LocalDateTime(reader.GetDateTime(4)),
            ["last_state_modified_on"] = reader.IsDBNull(5) ? null : LocalDateTime(reader.GetDateTime(5)),
            ["state"] = reader.GetString(6),
            ["security_classification"] = reader.GetString(7),
            ["data"] = JsonNode.Parse(reader.GetString(8)),
            ["data_classification"] = JsonNode.Parse(reader.GetString(9)),
            ["after_submit_callback_response"] = null,
            ["callback_response_status_code"] = null,
            ["callback_response_status"] = null,
            ["callback_error_message"] = null,
            ["delete_draft_response_status_code"] = null,
            ["delete_draft_response_status"] = null,
        };
    }

    private static string LocalDateTime(DateTime value)
    {
        var micros = (value.Ticks % TimeSpan.TicksPerSecond) / 10;
        var format = micros == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : micros % 1000 == 0 ? "yyyy-MM-dd'T'HH:mm:ss.fff" : "yyyy-MM-dd'T'HH:mm:ss.ffffff";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    private async Task<IResult> StartAsync(HttpContext http, string uid, string jid, string ctid, string cid, string eventId)
    {
        if (Find(jid, ctid, cid) is not { } pointer || await ReadFromServiceAsync(http, pointer) is not { } read || Unreadable(read))
        {
            return Error(HttpStatusCode.NotFound, "No case found");
        }

        if (!Events.TryGetValue(eventId, out var definition))
        {
            return Error(HttpStatusCode.NotFound, "Cannot find event " + eventId);
        }

        var state = read.Details["state"]!.GetValue<string>();
        if (definition.PreStates is { } pre ? !pre.Contains(state) : state == definition.PostState)
        {
            return Error(HttpStatusCode.UnprocessableEntity, "The case status did not qualify for the event");
        }

        var details = read.Details.DeepClone().AsObject();
        ApplyTtlIncrement(details, definition);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        _tokens[token] = new StartToken(uid, pointer.Reference, eventId, read.Revision, details["version"]!.GetValue<int>());
        return Results.Json(new JsonObject { ["case_details"] = details, ["event_id"] = eventId, ["token"] = token });
    }

    private async Task<IResult> SubmitAsync(HttpContext http, string uid, string jid, string ctid, string cid)
    {
        var content = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var eventId = content?["event"]?["id"]?.GetValue<string>();
        var token = content?["event_token"]?.GetValue<string>();
        if (content is null || eventId is null || token is null)
        {
            return Error(HttpStatusCode.BadRequest, "Missing start trigger token");
        }

        if (Find(jid, ctid, cid) is not { } pointer || !_tokens.TryGetValue(token, out var start) || start.EventId != eventId
            || start.Reference != pointer.Reference || start.Uid != uid || !Events.TryGetValue(eventId, out var definition))
        {
            return Error(HttpStatusCode.NotFound, "Cannot find matching start trigger");
        }

        if (await ReadFromServiceAsync(http, pointer) is not { } fresh || Unreadable(fresh))
        {
            return Error(HttpStatusCode.NotFound, "No case found");
        }

        var state = fresh.Details["state"]!.GetValue<string>();
        if (definition.PreStates is { } pre && !pre.Contains(state))
        {
            return Error(HttpStatusCode.UnprocessableEntity, "Pre-state condition is not valid for case with state: " + state);
        }

        var before = fresh.Details.DeepClone().AsObject();
        var proposed = fresh.Details.DeepClone().AsObject();
        ApplyTtlIncrement(proposed, definition);
        var data = proposed["case_data"]!.AsObject();
        foreach (var (key, value) in content["data"] as JsonObject ?? [])
        {
            if (key != "TTL")
            {
                data[key] = value?.DeepClone();
            }
        }

        proposed["state"] = definition.PostState;
        proposed["version"] = start.Version;
        var resolvedTtl = ResolvedTtl(data["TTL"] as JsonObject);
        var caseEvent = CcdEventBodies.Submit(new CcdCaseType(pointer.CaseTypeId, pointer.Jurisdiction), before, proposed, eventId, new CcdSubmitOptions
        {
            EventName = definition.Name,
            Summary = content["event"]?["summary"]?.GetValue<string>(),
            Description = content["event"]?["description"]?.GetValue<string>(),
            ResolvedTtl = resolvedTtl?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            InternalCaseId = pointer.Id,
            StartRevision = (int)start.Revision,
            MergeRevision = (int)fresh.Revision,
        });
        using var client = Client(http);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ccd-persistence/cases") { Content = new StringContent(caseEvent.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", NameBasedUuid(token).ToString());
        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return Error(HttpStatusCode.Conflict, "Unfortunately we were unable to save your work to the case as another action happened at the same time.");
        }

        if (!response.IsSuccessStatusCode)
        {
            return Error((int)response.StatusCode >= 500 ? HttpStatusCode.BadGateway : HttpStatusCode.InternalServerError, "Downstream service failed");
        }

        var answer = (await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync()))!.AsObject();
        if (answer["errors"] is JsonArray { Count: > 0 })
        {
            return Error(HttpStatusCode.UnprocessableEntity, "Unable to proceed because there are one or more callback Errors or Warnings");
        }

        var revision = answer["revision"]!.GetValue<long>();
        _pointers.AddOrUpdate(pointer.Reference, pointer, (_, current) => revision > current.Version ? current with { ResolvedTtl = resolvedTtl, Version = (int)revision } : current);
        var saved = answer["case_details"]!.AsObject();
        return Results.Json(saved.DeepClone(), statusCode: StatusCodes.Status201Created);
    }

    private FakePointer? Find(string jurisdiction, string caseTypeId, string caseId) =>
        long.TryParse(caseId, NumberStyles.None, CultureInfo.InvariantCulture, out var reference) && _pointers.TryGetValue(reference, out var pointer)
        && pointer.Jurisdiction == jurisdiction && pointer.CaseTypeId == caseTypeId ? pointer : null;

    private bool Unreadable(ServiceRead read) => UnreadableStates.Contains(read.Details["state"]!.GetValue<string>());

    private async Task<ServiceRead?> ReadFromServiceAsync(HttpContext http, FakePointer pointer)
    {
        using var client = Client(http);
        using var response = await client.GetAsync($"/ccd-persistence/cases?case-refs={pointer.Reference}");
        response.EnsureSuccessStatusCode();
        var array = (await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync()))!.AsArray();
        return array.Count == 0 ? null : new ServiceRead(array[0]!["case_details"]!.AsObject(), array[0]!["revision"]!.GetValue<long>());
    }

    // CCD forwards the caller's user token and adds its own S2S token.
    private HttpClient Client(HttpContext http)
    {
        var client = (Service ?? throw new InvalidOperationException("FakeCcdDataStore.Service is not set."))();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", http.Request.Headers.Authorization.ToString());
        client.DefaultRequestHeaders.TryAddWithoutValidation("ServiceAuthorization", ServiceToken());
        return client;
    }

    private void ApplyTtlIncrement(JsonObject details, FakeEventDefinition definition)
    {
        if (definition.TtlIncrementDays is not { } days)
        {
            return;
        }

        var data = details["case_data"] as JsonObject ?? [];
        details["case_data"] = data;
        var ttl = data["TTL"] as JsonObject ?? new JsonObject { ["Suspended"] = "No" };
        ttl["SystemTTL"] = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        data["TTL"] = ttl;
    }

    private static DateOnly? ResolvedTtl(JsonObject? ttl)
    {
        if (ttl is null || (ttl["Suspended"]?.GetValue<string>() is { } suspended && !suspended.Equals("No", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var value = ttl["OverrideTTL"]?.GetValue<string>() ?? ttl["SystemTTL"]?.GetValue<string>();
        return value is null ? null : DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    // UUID.nameUUIDFromBytes: MD5 of the bytes, version 3, IETF variant.
    private static Guid NameBasedUuid(string token)
    {
#pragma warning disable CA5351 // CCD's own derivation of the idempotency key
        var hash = MD5.HashData(Encoding.UTF8.GetBytes(token));
#pragma warning restore CA5351
        hash[6] = (byte)((hash[6] & 0x0F) | 0x30);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash, bigEndian: true);
    }

    private static IResult Error(HttpStatusCode status, string message) =>
        Results.Json(new { status = (int)status, message }, statusCode: (int)status);

    private sealed record StartToken(string Uid, long Reference, string EventId, long Revision, int Version);

    private sealed record ServiceRead(JsonObject Details, long Revision);
}

/// <summary>A CCD pointer row: CCD's <c>case_data</c> of a decentralised case (its data is <c>{}</c>).</summary>
public sealed record FakePointer(long Id, long Reference, string Jurisdiction, string CaseTypeId, DateOnly? ResolvedTtl, int Version);

/// <summary>An event of the fake's definition: pre-states (null: any but the post-state), post-state, TTL increment.</summary>
public sealed record FakeEventDefinition(string Name, string[]? PreStates, string PostState, int? TtlIncrementDays);

/// <summary>A request the fake data store received and the status it answered.</summary>
public sealed record FakeCcdRequest(string Method, string Path, HttpStatusCode? Status);
