using System.Text.Json.Nodes;

namespace Ccd.Conformance;

/// <summary>
/// The scenario: plays CCD's data store against one service, in the order CCD would call it, and records every
/// check. Each step names what CCD would do with a wrong answer.
/// </summary>
internal sealed class ConformanceRun(PersistenceClient client, CaseTypeSpec caseType, CheckLog log)
{
    private const int ConcurrentDuplicates = 8;

    /// <summary>The case the run creates first and keeps working on.</summary>
    private sealed class MainCase
    {
        public required long Reference { get; init; }

        public required Guid Key { get; init; }

        public required long InternalId { get; init; }

        public JsonObject? Details { get; set; }

        public int? Revision { get; set; }

        public int? Version { get; set; }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var main = await CreateAsync(cancellationToken);
        if (main is null)
        {
            log.Fail("run.create", "the other checks need a created case; stopped");
            return;
        }

        await ReadAsync(main, cancellationToken);
        await ReadSeveralAsync(main, cancellationToken);
        await DuplicateCreatesAsync(cancellationToken);
        await KeyReuseAsync(main, cancellationToken);
        var events = await UpdatesAsync(main, cancellationToken);
        await HistoryAsync(main, events, cancellationToken);
        await SupplementaryAsync(main, cancellationToken);
        await AuthenticationAsync(main, cancellationToken);
        await MalformedAsync(cancellationToken);
    }

    private CaseIdentity Identity(long reference) => new(reference, caseType.CaseTypeId, caseType.Jurisdiction);

    private async Task<MainCase?> CreateAsync(CancellationToken cancellationToken)
    {
        var reference = CaseReferences.Mint();
        var body = SubmitPayload.Create(caseType, reference, caseType.Create, DateTime.UtcNow);
        var main = new MainCase { Reference = reference, Key = Guid.NewGuid(), InternalId = body["internal_case_id"]!.GetValue<long>() };
        var first = await client.SubmitAsync(body, main.Key, cancellationToken);
        if (!SubmitStatus("create.status", first))
        {
            return null;
        }

        var findings = new Findings();
        var parsed = WireContract.Parse(first.Body, findings);
        WireContract.SubmitResponse(parsed, Identity(reference), findings);
        log.Rules("create", WireContract.SubmitRules, findings.ByRule);
        main.Revision = Int(parsed?["revision"]);
        main.Version = Int(parsed?["case_details"]?["version"]);

        var replay = await client.SubmitAsync(body, main.Key, cancellationToken);
        SubmitStatus("replay.status", replay);
        log.Check("replay.same-body", replay.Body == first.Body,
            replay.Body == first.Body ? "" : "a replay of the key must answer the first body unchanged (CCD's own test compares them byte for byte)");
        return main;
    }

    private async Task ReadAsync(MainCase main, CancellationToken cancellationToken)
    {
        var answer = await client.ReadAsync($"case-refs={main.Reference}", cancellationToken);
        if (!log.Check("read.status", answer.Status == 200, answer.Status == 200 ? "" : Mapping(answer, read: true)))
        {
            return;
        }

        var findings = new Findings();
        var array = WireContract.Parse(answer.Body, findings) as JsonArray;
        if (array is not { Count: 1 })
        {
            findings.Add("json", $"expected an array of one case, got {Preview(answer.Body)}");
        }
        else
        {
            WireContract.ReadItem(array[0], Identity(main.Reference), findings);
            main.Details = array[0]?["case_details"] as JsonObject;
            var revision = Int(array[0]?["revision"]);
            if (main.Revision is not null && revision is not null && revision != main.Revision)
            {
                findings.Add("revision", $"read revision {revision} is not the submit's {main.Revision}");
            }

            main.Revision = revision;
            main.Version = Int(main.Details?["version"]);
        }

        log.Rules("read", WireContract.CaseRules, findings.ByRule);

        var unknown = await client.ReadAsync($"case-refs={CaseReferences.Mint()}", cancellationToken);
        log.Check("read.unknown-reference", unknown.Status == 200 && unknown.Body.Trim() == "[]",
            unknown.Status == 200 && unknown.Body.Trim() == "[]" ? "" : $"expected 200 [] (CCD turns it into its own 404), got {unknown.Status} {Preview(unknown.Body)}");
    }

    private async Task ReadSeveralAsync(MainCase main, CancellationToken cancellationToken)
    {
        var other = CaseReferences.Mint();
        var created = await client.SubmitAsync(SubmitPayload.Create(caseType, other, caseType.Create, DateTime.UtcNow), Guid.NewGuid(), cancellationToken);
        if (!SubmitStatus("read-several.create", created))
        {
            return;
        }

        foreach (var (name, query) in new[]
                 {
                     ("read-several.repeated", $"case-refs={main.Reference}&case-refs={other}"),
                     ("read-several.comma-separated", $"case-refs={main.Reference},{other}"),
                 })
        {
            var answer = await client.ReadAsync(query, cancellationToken);
            var findings = new Findings();
            var array = answer.Status == 200 ? WireContract.Parse(answer.Body, findings) as JsonArray : null;
            var ids = array?.Select(item => item?["case_details"]?["id"]?.ToJsonString()).Order(StringComparer.Ordinal).ToList() ?? [];
            var expected = new[] { main.Reference.ToString(System.Globalization.CultureInfo.InvariantCulture), other.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Order(StringComparer.Ordinal).ToList();
            var passed = ids.SequenceEqual(expected);
            log.Check(name, passed, passed ? "" : $"GET ?{query} → {answer.Status} {Preview(answer.Body)}: expected both cases");
        }
    }

    private async Task DuplicateCreatesAsync(CancellationToken cancellationToken)
    {
        var reference = CaseReferences.Mint();
        var body = SubmitPayload.Create(caseType, reference, caseType.Create, DateTime.UtcNow);
        var key = Guid.NewGuid();
        var answers = await Task.WhenAll(Enumerable.Range(0, ConcurrentDuplicates).Select(_ => client.SubmitAsync(body, key, cancellationToken)));

        var statuses = string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"));
        log.Check("duplicate-create.statuses", answers.All(a => a.IsSuccess),
            answers.All(a => a.IsSuccess) ? statuses : $"{statuses}: CCD re-sends a submit with the same key after a timeout; every copy must succeed ({Mapping(answers.First(a => !a.IsSuccess), read: false)})");
        var same = answers.Where(a => a.IsSuccess).Select(a => a.Body).Distinct(StringComparer.Ordinal).Count() <= 1;
        log.Check("duplicate-create.same-body", same && answers.Any(a => a.IsSuccess), same ? "" : "the copies answered different bodies");
        var history = await client.HistoryAsync(reference, cancellationToken);
        var count = history.Status == 200 ? (WireContract.Parse(history.Body, new Findings()) as JsonArray)?.Count : null;
        log.Check("duplicate-create.one-event", count == 1, count == 1 ? "" : $"the case's history has {count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no readable list"} event(s) after {ConcurrentDuplicates} copies of one create");
    }

    private async Task KeyReuseAsync(MainCase main, CancellationToken cancellationToken)
    {
        var reference = CaseReferences.Mint();
        var answer = await client.SubmitAsync(SubmitPayload.Create(caseType, reference, caseType.Create, DateTime.UtcNow), main.Key, cancellationToken);
        var refused = answer.Status is >= 400 and < 500 and not 401 and not 409;
        log.Check("key-reuse.refused", refused, refused ? answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : $"a key already used for case {main.Reference} was accepted for another case with {answer.Status}: expected a 4xx refusal (a 2xx answers with the wrong case, which CCD refuses with a 500)");
        var read = await client.ReadAsync($"case-refs={reference}", cancellationToken);
        log.Check("key-reuse.nothing-written", read.Status == 200 && read.Body.Trim() == "[]",
            read.Status == 200 && read.Body.Trim() == "[]" ? "" : $"the refused case exists: {read.Status} {Preview(read.Body)}");
    }

    private async Task<int> UpdatesAsync(MainCase main, CancellationToken cancellationToken)
    {
        if (main.Details is null || main.Version is null)
        {
            log.Fail("update.status", "no readable case to update");
            return 1;
        }

        var startVersion = main.Version.Value;
        var startRevision = main.Revision;
        var body = SubmitPayload.Update(caseType, main.Details, main.Revision, caseType.Update, startVersion, startRevision, main.InternalId);
        var answer = await client.SubmitAsync(body, Guid.NewGuid(), cancellationToken);
        if (!SubmitStatus("update.status", answer))
        {
            return 1;
        }

        var findings = new Findings();
        var parsed = WireContract.Parse(answer.Body, findings);
        WireContract.SubmitResponse(parsed, Identity(main.Reference), findings);
        var revision = Int(parsed?["revision"]);
        if (revision is not null && startRevision is not null && revision <= startRevision)
        {
            findings.Add("revision", $"revision {revision} did not rise above {startRevision}: CCD keeps its pointer only when the revision rises");
        }

        log.Rules("update", WireContract.SubmitRules, findings.ByRule);

        var seen = await client.ReadAsync($"case-refs={main.Reference}", cancellationToken);
        var current = (WireContract.Parse(seen.Body, new Findings()) as JsonArray)?.FirstOrDefault();
        main.Details = current?["case_details"] as JsonObject;
        main.Revision = Int(current?["revision"]);
        main.Version = Int(main.Details?["version"]);
        if (main.Details is null || main.Version is null)
        {
            log.Fail("stale-update.status", "the updated case could not be read");
            return 2;
        }

        if (main.Version == startVersion)
        {
            log.Fail("stale-update.status", $"the version stayed {startVersion} although the update changed the case: CCD's optimistic lock (case_details.version) cannot work");
            return 2;
        }

        var stale = SubmitPayload.Update(caseType, main.Details, main.Revision, caseType.Stale, startVersion, startRevision, main.InternalId);
        var refused = await client.SubmitAsync(stale, Guid.NewGuid(), cancellationToken);
        log.Check("stale-update.status", refused.Status == 409,
            refused.Status == 409 ? "" : $"an event started at version {startVersion} on a case now at {main.Version} answered {refused.Status} {Preview(refused.Body)}: expected 409 (CCD tells the user another action happened at the same time)");
        var after = await client.ReadAsync($"case-refs={main.Reference}", cancellationToken);
        var afterRevision = Int((WireContract.Parse(after.Body, new Findings()) as JsonArray)?.FirstOrDefault()?["revision"]);
        log.Check("stale-update.nothing-written", afterRevision == main.Revision,
            afterRevision == main.Revision ? "" : $"the revision moved from {main.Revision} to {afterRevision} after a refused event");
        return 2;
    }

    private async Task HistoryAsync(MainCase main, int events, CancellationToken cancellationToken)
    {
        var answer = await client.HistoryAsync(main.Reference, cancellationToken);
        if (!log.Check("history.status", answer.Status == 200, answer.Status == 200 ? "" : Mapping(answer, read: true)))
        {
            return;
        }

        var findings = new Findings();
        var list = WireContract.Parse(answer.Body, findings) as JsonArray;
        foreach (var item in list ?? [])
        {
            WireContract.HistoryEvent(item, Identity(main.Reference), findings);
        }

        log.Rules("history", WireContract.HistoryRules, findings.ByRule);
        log.Check("history.count", list?.Count == events, list?.Count == events ? "" : $"{list?.Count} events, expected {events} (replays and refused events add none)");
        var ids = list?.Select(item => item?["event"]?["id"]?.ToString()).ToList() ?? [];
        var expectedOrder = events == 2 ? new[] { caseType.Update.EventId, caseType.Create.EventId } : [caseType.Create.EventId];
        log.Check("history.order", ids.SequenceEqual(expectedOrder), ids.SequenceEqual(expectedOrder) ? "" : $"event ids [{string.Join(", ", ids)}], expected newest first [{string.Join(", ", expectedOrder)}]");

        if (list is not { Count: > 0 } || list[^1]?["id"] is not JsonValue idValue)
        {
            log.Fail("history-event.status", "no event id to read");
            return;
        }

        var eventId = idValue.ToJsonString();
        var one = await client.HistoryEventAsync(main.Reference, eventId, cancellationToken);
        if (log.Check("history-event.status", one.Status == 200, one.Status == 200 ? "" : Mapping(one, read: true)))
        {
            var eventFindings = new Findings();
            var parsed = WireContract.Parse(one.Body, eventFindings);
            WireContract.HistoryEvent(parsed, Identity(main.Reference), eventFindings);
            log.Rules("history-event", WireContract.HistoryRules, eventFindings.ByRule);
            log.Check("history-event.same-as-list", JsonNode.DeepEquals(parsed, list[^1]), JsonNode.DeepEquals(parsed, list[^1]) ? "" : "the event differs from its element of the list");
        }

        var missing = await client.HistoryEventAsync(main.Reference, "987654321", cancellationToken);
        log.Check("history-event.unknown", missing.Status == 404, missing.Status == 404 ? "" : $"an unknown event id answered {missing.Status}: expected 404");
    }

    private async Task SupplementaryAsync(MainCase main, CancellationToken cancellationToken)
    {
        var revisionBefore = main.Revision;
        var versionBefore = main.Version;
        var label = "label-" + Guid.NewGuid().ToString("N")[..8];
        var set = await client.SupplementaryAsync(main.Reference, new JsonObject { ["supplementary_data_updates"] = new JsonObject { ["$set"] = new JsonObject { ["conformance.label"] = label } } }.ToJsonString(), cancellationToken);
        var setValue = set.Status == 200 ? Path(WireContract.Parse(set.Body, new Findings()), "supplementary_data.conformance.label")?.ToString() : null;
        log.Check("supplementary.set", setValue == label, setValue == label ? "" : $"$set answered {set.Status} {Preview(set.Body)}: CCD reads every updated path from supplementary_data (a missing one is a 500)");

        long? count = null;
        foreach (var expected in new long[] { 2, 4 })
        {
            var inc = await client.SupplementaryAsync(main.Reference, """{"supplementary_data_updates":{"$inc":{"conformance.count":2}}}""", cancellationToken);
            count = inc.Status == 200 ? LongValue(Path(WireContract.Parse(inc.Body, new Findings()), "supplementary_data.conformance.count")) : null;
            if (count != expected)
            {
                break;
            }
        }

        log.Check("supplementary.inc", count == 4, count == 4 ? "" : $"two $inc of 2 gave {count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no readable count"}, expected 4");

        foreach (var (name, body) in new[]
                 {
                     ("supplementary.unknown-operator", """{"supplementary_data_updates":{"$push":{"conformance.label":"x"}}}"""),
                     ("supplementary.no-updates", """{"supplementary_data_updates":{}}"""),
                     ("supplementary.inc-not-a-number", """{"supplementary_data_updates":{"$inc":{"conformance.count":"two"}}}"""),
                 })
        {
            var refused = await client.SupplementaryAsync(main.Reference, body, cancellationToken);
            log.Check(name, refused.Status == 400, refused.Status == 400 ? "" : $"{body} answered {refused.Status}: expected 400");
        }

        var unknown = await client.SupplementaryAsync(CaseReferences.Mint(), """{"supplementary_data_updates":{"$set":{"conformance.label":"x"}}}""", cancellationToken);
        log.Check("supplementary.unknown-case", unknown.Status == 404, unknown.Status == 404 ? "" : $"an unknown case answered {unknown.Status}: expected 404");

        var read = await client.ReadAsync($"case-refs={main.Reference}", cancellationToken);
        var item = (WireContract.Parse(read.Body, new Findings()) as JsonArray)?.FirstOrDefault();
        var revision = Int(item?["revision"]);
        var version = Int(item?["case_details"]?["version"]);
        var after = LongValue(Path(item?["case_details"], "supplementary_data.conformance.count"));
        var revisionRose = revision is not null && (revisionBefore is null || revision > revisionBefore);
        log.Check("supplementary.revision", revisionRose && version == versionBefore,
            revisionRose && version == versionBefore ? "" : $"after three updates revision {revisionBefore} → {revision}, version {versionBefore} → {version}: the revision must rise (CCD syncs its pointer by it), the version must not");
        log.Check("supplementary.refusals-change-nothing", after == 4, after == 4 ? "" : $"the count is {after} after refused updates, expected 4");
    }

    private async Task AuthenticationAsync(MainCase main, CancellationToken cancellationToken)
    {
        var path = $"ccd-persistence/cases?case-refs={main.Reference}";
        foreach (var (name, user, service, what) in new (string, string?, string?, string)[]
                 {
                     ("auth.no-user-token", null, client.ServiceToken, "no Authorization"),
                     ("auth.no-service-token", client.UserToken, null, "no ServiceAuthorization"),
                     ("auth.bad-user-token", "not-a-token", client.ServiceToken, "a user token that is not a valid JWT"),
                     ("auth.bad-service-token", client.UserToken, "not-a-token", "a service token that is not a valid JWT"),
                 })
        {
            var answer = await client.SendAsync(HttpMethod.Get, path, null, null, user, service, cancellationToken);
            log.Check(name, answer.Status == 401, answer.Status == 401 ? "" : $"{what} answered {answer.Status}: expected 401");
        }

        var bearer = await client.SendAsync(HttpMethod.Get, path, null, null, client.UserToken, "Bearer " + client.ServiceToken, cancellationToken);
        log.Check("auth.bearer-service-token", bearer.Status == 200, bearer.Status == 200 ? "" : $"ServiceAuthorization: Bearer <jwt> answered {bearer.Status}: CCD's S2S clients send the token with or without the prefix");

        var reference = CaseReferences.Mint();
        var body = SubmitPayload.Create(caseType, reference, caseType.Create, DateTime.UtcNow).ToJsonString();
        var anonymous = await client.SendAsync(HttpMethod.Post, "ccd-persistence/cases", body, Guid.NewGuid(), null, null, cancellationToken);
        var read = await client.ReadAsync($"case-refs={reference}", cancellationToken);
        var refused = anonymous.Status == 401 && read.Status == 200 && read.Body.Trim() == "[]";
        log.Check("auth.submit-without-tokens", refused, refused ? "" : $"a submit without tokens answered {anonymous.Status}, and the case reads {read.Status} {Preview(read.Body)}: expected 401 and nothing written");
    }

    private async Task MalformedAsync(CancellationToken cancellationToken)
    {
        var reference = CaseReferences.Mint();
        var noKey = await client.SubmitAsync(SubmitPayload.Create(caseType, reference, caseType.Create, DateTime.UtcNow), null, cancellationToken);
        var read = await client.ReadAsync($"case-refs={reference}", cancellationToken);
        var refused = noKey.Status == 400 && read.Body.Trim() == "[]";
        log.Check("submit.no-idempotency-key", refused, refused ? "" : $"a submit without Idempotency-Key answered {noKey.Status} (case reads {Preview(read.Body)}): expected 400 and nothing written");

        var bad = await client.ReadAsync("case-refs=12345", cancellationToken);
        log.Check("read.bad-reference", bad.Status == 400, bad.Status == 400 ? "" : $"case-refs=12345 answered {bad.Status}: expected 400");
    }

    /// <summary>A submit status check: any 2xx passes (CCD treats them alike); others say what CCD would answer.</summary>
    private bool SubmitStatus(string name, Answer answer) =>
        log.Check(name, answer.IsSuccess, answer.IsSuccess ? answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : Mapping(answer, read: false));

    /// <summary>What CCD's data store makes of an unexpected status (its RestExceptionHandler and Feign mapping).</summary>
    private static string Mapping(Answer answer, bool read)
    {
        var ccd = answer.Status switch
        {
            401 => "CCD answers 401",
            409 => "CCD answers 409 (concurrent change)",
            >= 400 and < 500 => read ? "CCD answers 500" : "CCD answers 500 (and deletes its pointer on a create)",
            500 => "CCD answers 502 (and keeps its pointer)",
            >= 500 => $"CCD answers {answer.Status}",
            _ => "CCD cannot use it",
        };
        return $"{answer.Status} {Preview(answer.Body)}: {ccd}";
    }

    private static string Preview(string body) => body.Length <= 200 ? body : body[..200] + "…";

    private static int? Int(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number && value.TryGetValue<int>(out var number) ? number : null;

    private static long? LongValue(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number && value.TryGetValue<long>(out var number) ? number : null;

    // CCD reads each updated key with JsonPath $.<key>: dotted segments through nested objects.
    private static JsonNode? Path(JsonNode? node, string dotted) =>
        dotted.Split('.').Aggregate(node, (current, segment) => current is JsonObject o ? o[segment] : null);
}
