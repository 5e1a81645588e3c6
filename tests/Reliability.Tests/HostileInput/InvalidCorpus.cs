using System.Text;
using System.Text.Json.Nodes;
using Ccd.Testing;
using Reliability.Tests.Support;

namespace Reliability.Tests.HostileInput;

/// <summary>One invalid request and the status it must get (null: any 4xx).</summary>
internal sealed record InvalidCase(RawRequest Request, int? Expected);

/// <summary>
/// The invalid half of the hostile corpus, generated as a table: for every endpoint of the persistence API, requests
/// that are malformed, truncated, mistyped, incomplete, too big, too deep, not UTF-8, badly referenced, overflowing,
/// duplicated, out of range or badly authenticated. Each must get a 4xx problem and change nothing.
/// </summary>
internal static class InvalidCorpus
{
    private const string Cases = "/ccd-persistence/cases";

    public static IReadOnlyDictionary<string, InvalidCase> All { get; } = Build();

    private static string Supplementary(long reference) => $"{Cases}/{reference}/supplementary-data";

    private static string Supplementary(string reference) => $"{Cases}/{reference}/supplementary-data";

    private static Dictionary<string, InvalidCase> Build()
    {
        var cases = new Dictionary<string, InvalidCase>(StringComparer.Ordinal);
        void Add(string name, RawRequest request, int? expected = null) => cases.Add(Unique(cases, name), new InvalidCase(request, expected));
        RawRequest Submit(string json) => new("POST", Cases, Encoding.UTF8.GetBytes(json));
        RawRequest SubmitBytes(byte[] bytes) => new("POST", Cases, bytes);
        RawRequest Post(string path, string json) => new("POST", path, Encoding.UTF8.GetBytes(json));

        var create = Bodies.Create(CorpusStore.Fresh, new JsonObject { ["text"] = "fresh" }).ToJsonString();
        var update = Bodies.Update(CorpusStore.Existing, new JsonObject { ["text"] = "changed" }, version: 2).ToJsonString();
        JsonObject Create() => JsonNode.Parse(create)!.AsObject();
        JsonObject Update() => JsonNode.Parse(update)!.AsObject();

        // --- Submit: malformed JSON.
        string[] malformed =
        [
            "", " ", "{", "}", "[", "]", "null", "true", "0", "-1", "[]", "[{}]", "\"text\"", "{,}", "{\"a\":}", "{\"a\" 1}",
            "{'case_details':{}}", "{case_details:{}}", "NaN", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1,}", "{\"a\":1}/*c*/",
            "{\"a\":01}", "{\"a\":.5}", "{\"a\":\"unterminated}", "{\"a\":\"bad escape \\q\"}", "{\"a\":\"\\u12\"}", "{\"a\":tru}",
            "{\"a\":\"raw\ttab\"}", "{\"a\":\"raw\nnewline\"}", "\u0000", "{}{}", "{\"a\":[1,2}",
        ];
        for (var i = 0; i < malformed.Length; i++)
        {
            Add($"submit_malformed_{i:00}", Submit(malformed[i]), 400);
        }

        // --- Submit: a valid body truncated at 24 points, and with garbage after it.
        for (var i = 1; i <= 24; i++)
        {
            var cut = create.Length * i / 25;
            Add($"submit_truncated_at_{cut}", Submit(create[..cut]), 400);
        }

        Add("submit_valid_body_then_garbage", Submit(create + "x"), 400);
        Add("submit_valid_body_twice", Submit(create + create), 400);
        Add("submit_valid_body_then_brace", Submit(create + "}"), 400);

        // --- Submit: wrong types (a create, or the update of the existing case).
        (string Path, string Json)[] wrongTypes =
        [
            ("case_details", "\"x\""), ("case_details", "1"), ("case_details", "[]"), ("case_details", "true"),
            ("case_details.id", "\"abc\""), ("case_details.id", "\"\""), ("case_details.id", "1.5"), ("case_details.id", "true"),
            ("case_details.id", "{}"), ("case_details.id", "[]"), ("case_details.id", "\"4000000000000000x\""),
            ("case_details.case_data", "\"x\""), ("case_details.case_data", "[]"), ("case_details.case_data", "1"), ("case_details.case_data", "true"),
            ("case_details.state", "1"), ("case_details.state", "{}"), ("case_details.state", "[]"),
            ("case_details.security_classification", "1"), ("case_details.security_classification", "{}"),
            ("case_details.case_type_id", "1"), ("case_details.jurisdiction", "{}"),
            ("case_details.supplementary_data", "\"x\""), ("case_details.supplementary_data", "[]"),
            ("event_details", "\"x\""), ("event_details", "[]"), ("event_details", "1"),
            ("event_details.event_id", "1"), ("event_details.event_id", "{}"), ("event_details.event_id", "[]"),
            ("event_details.case_type", "1"), ("event_details.summary", "1"), ("event_details.summary", "{}"),
            ("event_details.description", "[]"), ("event_details.proxied_by", "{}"), ("event_details.event_name", "false"),
            ("resolved_ttl", "\"not-a-date\""), ("resolved_ttl", "20330131"), ("resolved_ttl", "\"2033-02-30\""),
            ("resolved_ttl", "\"31/01/2033\""), ("resolved_ttl", "true"), ("resolved_ttl", "\"2033-01-31T25:00:00\""),
            ("internal_case_id", "\"abc\""), ("internal_case_id", "1.5"), ("internal_case_id", "{}"), ("internal_case_id", "true"),
            ("start_revision", "\"x\""), ("merge_revision", "[]"),
            ("case_details_before", "\"x\""), ("case_details_before", "1"), ("case_details_before", "[]"),
        ];
        foreach (var (path, json) in wrongTypes)
        {
            Add($"submit_create_{path}_as_{Label(json)}", Submit(Set(Create(), path, JsonNode.Parse(json))), 400);
        }

        (string Path, string Json)[] wrongUpdateTypes =
        [
            ("case_details.version", "\"x\""), ("case_details.version", "1.5"), ("case_details.version", "true"), ("case_details.version", "{}"),
            ("case_details_before.id", "\"abc\""), ("case_details_before.case_data", "[]"),
        ];
        foreach (var (path, json) in wrongUpdateTypes)
        {
            Add($"submit_update_{path}_as_{Label(json)}", Submit(Set(Update(), path, JsonNode.Parse(json))), 400);
        }

        // --- Submit: missing and null required fields.
        string[] required = ["case_details", "event_details", "case_details.id", "case_details.state", "case_details.security_classification", "event_details.event_id"];
        foreach (var path in required)
        {
            Add($"submit_create_without_{path}", Submit(Remove(Create(), path)), 400);
            Add($"submit_create_with_null_{path}", Submit(Set(Create(), path, (JsonNode?)null)), 400);
        }

        Add("submit_create_without_any_case_type", Submit(Remove(Remove(Create(), "event_details.case_type"), "case_details.case_type_id")), 400);
        Add("submit_update_without_version", Submit(Remove(Update(), "case_details.version")), 400);
        Add("submit_update_with_null_version", Submit(Set(Update(), "case_details.version", (JsonNode?)null)), 400);
        Add("submit_empty_object", Submit("{}"), 400);

        // --- Submit: references that are not CCD references.
        (string Label, string Json)[] badReferences =
        [
            ("zero", "0"), ("minus_one", "-1"), ("negative_16_digits", "-" + Refs.Text(CorpusStore.Fresh)),
            ("15_digits", Refs.Text(Refs.WithCheckDigit(40000000000000))), ("17_digits", Refs.Text(Refs.WithCheckDigit(4000000000000000))),
            ("luhn_invalid", Refs.Text(Refs.LuhnInvalid(CorpusStore.Fresh))), ("float", "4.000000000000001E15"),
            ("long_max", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("overflowing_20_digits", "99999999999999999999"),
            ("leading_zeros_string", "\"0004000000000000\""), ("string_with_spaces", $"\" {CorpusStore.Fresh} \""),
            ("exponent", "4e15"),
        ];
        foreach (var (label, json) in badReferences)
        {
            Add($"submit_reference_{label}", Submit(Set(Create(), "case_details.id", JsonNode.Parse(json))), 400);
        }

        Add("submit_case_details_before_other_reference", Submit(Set(Update(), "case_details_before.id", CorpusStore.Counters)), 400);

        // --- Submit: numbers that overflow their field.
        Add("submit_version_over_int32", Submit(Set(Update(), "case_details.version", 2147483648L)), 400);
        Add("submit_version_under_int32", Submit(Set(Update(), "case_details.version", -2147483649L)), 400);
        Add("submit_version_1e400", Submit(Set(Update(), "case_details.version", JsonNode.Parse("1e400"))), 400);
        Add("submit_internal_id_over_int64", Submit(Set(Create(), "internal_case_id", JsonNode.Parse("9223372036854775808"))), 400);
        Add("submit_internal_id_1e30", Submit(Set(Create(), "internal_case_id", JsonNode.Parse("1e30"))), 400);
        Add("submit_start_revision_1e100", Submit(Set(Update(), "start_revision", JsonNode.Parse("1e100"))), 400);

        // --- Submit: duplicate keys, at every level the API reads.
        Add("submit_duplicate_case_details", Submit(create[..^1] + ",\"case_details\":{}}"), 400);
        Add("submit_duplicate_event_id", Submit(create.Replace("\"event_id\":\"create\"", "\"event_id\":\"create\",\"event_id\":\"update\"", StringComparison.Ordinal)), 400);
        Add("submit_duplicate_reference", Submit(create.Replace("\"jurisdiction\":", $"\"id\":{CorpusStore.Counters},\"jurisdiction\":", StringComparison.Ordinal)), 400);
        Add("submit_duplicate_key_in_case_data", Submit(create.Replace("\"text\":\"fresh\"", "\"text\":\"fresh\",\"text\":\"again\"", StringComparison.Ordinal)), 400);
        Add("submit_duplicate_key_nested_in_case_data", Submit(Set(Create(), "case_details.case_data", new JsonObject { ["a"] = new JsonObject { ["b"] = 1 } })
            .Replace("{\"b\":1}", "{\"b\":1,\"b\":2}", StringComparison.Ordinal)), 400);
        Add("submit_duplicate_key_in_supplementary_data", Submit(Set(Create(), "case_details.supplementary_data", new JsonObject { ["new_case"] = true })
            .Replace("\"new_case\":true", "\"new_case\":true,\"new_case\":false", StringComparison.Ordinal)), 400);

        // --- Submit: values outside the allowed set.
        (string Path, string Json)[] unknownValues =
        [
            ("case_details.security_classification", "\"SECRET\""), ("case_details.security_classification", "\"public\""),
            ("case_details.security_classification", "\"\""), ("case_details.state", "\"\""), ("case_details.state", "\"   \""),
            ("event_details.event_id", "\"noSuchEvent\""), ("event_details.event_id", "\"\""), ("event_details.event_id", "\"CREATE\""),
            ("event_details.case_type", "\"NOPE\""), ("event_details.case_type", "\"rl_blob\""), ("case_details.case_type_id", "\"Other\""),
            ("case_details.jurisdiction", "\"OTHER\""),
        ];
        foreach (var (path, json) in unknownValues)
        {
            Add($"submit_create_{path}_unknown_{Label(json)}", Submit(Set(Create(), path, JsonNode.Parse(json))), 400);
        }

        // --- Submit: text longer than its column, and characters PostgreSQL cannot store.
        Add("submit_summary_over_1024", Submit(Set(Create(), "event_details.summary", new string('s', 1025))), 400);
        Add("submit_summary_of_1025_emoji", Submit(Set(Create(), "event_details.summary", string.Concat(Enumerable.Repeat("\U0001F600", 1025)))), 400);
        Add("submit_proxied_by_first_name_over_255", Submit(Set(Create(), "event_details.proxied_by_first_name", new string('f', 256))), 400);
        Add("submit_state_over_255", Submit(Set(Create(), "case_details.state", new string('S', 256))), 400);
        Add("submit_proxied_by_over_64", Submit(Set(Create(), "event_details.proxied_by", new string('p', 65))), 400);
        Add("submit_description_over_65536", Submit(Set(Create(), "event_details.description", new string('d', 65537))), 400);
        Add("submit_nul_in_case_data_value", Submit(Set(Create(), "case_details.case_data", new JsonObject { ["text"] = "a\u0000b" })), 400);
        Add("submit_nul_in_case_data_key", Submit(Set(Create(), "case_details.case_data", new JsonObject { ["a\u0000b"] = "x" })), 400);
        Add("submit_nul_in_summary", Submit(Set(Create(), "event_details.summary", "a\u0000b")), 400);
        Add("submit_lone_surrogate_in_case_data", Submit(create.Replace("\"text\":\"fresh\"", "\"text\":\"\\ud800\"", StringComparison.Ordinal)), 400);
        Add("submit_lone_surrogate_in_summary", Submit(create.Replace("\"summary\":\"A summary\"", "\"summary\":\"\\udc00x\"", StringComparison.Ordinal)), 400);

        // --- Submit: excessive nesting.
        foreach (var depth in new[] { 65, 200, 5000 })
        {
            Add($"submit_case_data_objects_nested_{depth}", Submit(create.Replace("\"text\":\"fresh\"", "\"text\":" + Nested(depth, '{'), StringComparison.Ordinal)), 400);
        }

        Add("submit_case_data_arrays_nested_100000", Submit(create.Replace("\"text\":\"fresh\"", "\"text\":" + Nested(100_000, '['), StringComparison.Ordinal)), 400);

        // --- Submit: bytes that are not UTF-8.
        byte[][] notUtf8 = [[0xC3, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]];
        for (var i = 0; i < notUtf8.Length; i++)
        {
            Add($"submit_invalid_utf8_in_value_{i}", SubmitBytes(Splice(create, "fresh", notUtf8[i])), 400);
            Add($"submit_invalid_utf8_in_key_{i}", SubmitBytes(Splice(create, "text", notUtf8[i])), 400);
        }

        // --- Submit: bodies over the configured limit, with and without a Content-Length.
        var huge = Set(Create(), "case_details.case_data", new JsonObject { ["text"] = new string('h', InMemoryService.MaxRequestBodyBytes) });
        Add("submit_body_over_limit", Submit(huge), 413);
        Add("submit_body_over_limit_chunked", Submit(huge) with { Chunked = true }, 413);
        Add("submit_body_far_over_limit", SubmitBytes(new byte[InMemoryService.MaxRequestBodyBytes * 4]), 413);

        // --- Submit: bad headers.
        Add("submit_without_idempotency_key", Submit(create) with { Headers = [new("Idempotency-Key", null)] }, 400);
        foreach (var key in new[] { "", " ", "not-a-uuid", "123", "6d2b3c8e-1f5a-4b7c-9d0e-123456789ab", "6d2b3c8e1f5a4b7c9d0e123456789abcd", "'; DROP TABLE ccd.case_event; --" })
        {
            Add($"submit_idempotency_key_{Label(key)}", Submit(create) with { Headers = [new("Idempotency-Key", key)] }, 400);
        }

        Add("submit_two_different_idempotency_keys", Submit(create) with
        {
            Headers = [new("Idempotency-Key", Guid.NewGuid().ToString()), new("Idempotency-Key", Guid.NewGuid().ToString())],
        }, 400);
        AddAuthentication(cases, "submit", () => Submit(create));

        // --- Submit: a verified user token whose identity cannot be recorded with the event (user_id varchar(64), names varchar(255), no U+0000).
        (string Label, string Token)[] unrecordableUsers =
        [
            ("user_id_over_64", TestTokens.User(new string('u', 65))), ("user_id_with_nul", TestTokens.User("user\u0000x")),
            ("first_name_over_255", TestTokens.User("user-1", firstName: new string('f', 256), lastName: "L")),
            ("last_name_with_nul", TestTokens.User("user-1", firstName: "F", lastName: "a\u0000b")),
        ];
        foreach (var (label, token) in unrecordableUsers)
        {
            Add($"submit_{label}", Submit(create) with { Headers = [new("Authorization", "Bearer " + token)] }, 401);
        }

        // --- Submit: requests that conflict with what is stored.
        Add("submit_update_of_unknown_case", Submit(Set(Update(), "case_details.id", CorpusStore.Absent).Replace(
            $"\"id\":{CorpusStore.Existing}", $"\"id\":{CorpusStore.Absent}", StringComparison.Ordinal)), 404);
        Add("submit_create_of_existing_case_under_new_key", Submit(Set(Create(), "case_details.id", CorpusStore.Existing)), 409);
        Add("submit_existing_key_for_another_case", Submit(create) with { Headers = [new("Idempotency-Key", CorpusStore.ExistingKey.ToString())] }, 422);
        Add("submit_existing_key_for_another_event", Submit(update) with { Headers = [new("Idempotency-Key", CorpusStore.ExistingKey.ToString())] }, 422);
        Add("submit_stale_version_that_changes_the_case", Submit(Set(Update(), "case_details.version", 1)), 409);
        Add("submit_other_internal_case_id", Submit(Set(Update(), "internal_case_id", 999_999)), 400);
        Add("submit_create_with_internal_id_of_another_case", Submit(Set(Create(), "internal_case_id", CorpusStore.ExistingInternalId)), 400);

        // --- Read cases.
        string[] badQueries =
        [
            "abc", "0", "-1", Refs.Text(Refs.WithCheckDigit(40000000000000)), Refs.Text(Refs.WithCheckDigit(4000000000000000)),
            Refs.Text(Refs.LuhnInvalid(CorpusStore.Existing)), $"{CorpusStore.Existing},abc", "99999999999999999999", "4e15",
            "%00", "%27%3B%20DROP%20TABLE%20ccd.case_data%3B--", "%D9%A4%D9%A0%D9%A0%D9%A0", $"{CorpusStore.Existing}.0", $"%2B{CorpusStore.Existing}",
            "%FF%FE", $"0x{CorpusStore.Existing:X}",
        ];
        for (var i = 0; i < badQueries.Length; i++)
        {
            Add($"read_case_refs_{i:00}_{Label(badQueries[i])}", new RawRequest("GET", $"{Cases}?case-refs={badQueries[i]}"), 400);
        }

        Add("read_second_case_refs_invalid", new RawRequest("GET", $"{Cases}?case-refs={CorpusStore.Existing}&case-refs=xyz"), 400);
        AddAuthentication(cases, "read", () => new RawRequest("GET", $"{Cases}?case-refs={CorpusStore.Existing}"));

        // --- History and one history event.
        string[] badPathReferences =
        [
            "abc", "0", "-1", Refs.Text(Refs.WithCheckDigit(40000000000000)), Refs.Text(Refs.WithCheckDigit(4000000000000000)),
            Refs.Text(Refs.LuhnInvalid(CorpusStore.Existing)), "99999999999999999999", "%27%20OR%201%3D1", "%D9%A4%D9%A0", $"{CorpusStore.Existing}%20x",
        ];
        for (var i = 0; i < badPathReferences.Length; i++)
        {
            Add($"history_reference_{i:00}_{Label(badPathReferences[i])}", new RawRequest("GET", $"{Cases}/{badPathReferences[i]}/history"), 400);
            Add($"history_event_reference_{i:00}_{Label(badPathReferences[i])}", new RawRequest("GET", $"{Cases}/{badPathReferences[i]}/history/1"), 400);
        }

        foreach (var eventId in new[] { "abc", "-1", "1.5", "99999999999999999999", "%201", "1e3" })
        {
            Add($"history_event_id_{Label(eventId)}", new RawRequest("GET", $"{Cases}/{CorpusStore.Existing}/history/{eventId}"), 400);
        }

        Add("history_event_id_unknown", new RawRequest("GET", $"{Cases}/{CorpusStore.Existing}/history/987654321"), 404);
        Add("history_event_id_of_another_case", new RawRequest("GET", $"{Cases}/{CorpusStore.Existing}/history/{{countersEventId}}"), 404);
        AddAuthentication(cases, "history", () => new RawRequest("GET", $"{Cases}/{CorpusStore.Existing}/history"));

        // --- Supplementary data.
        for (var i = 0; i < badPathReferences.Length; i++)
        {
            Add($"supplementary_reference_{i:00}_{Label(badPathReferences[i])}",
                Post(Supplementary(badPathReferences[i]), """{"supplementary_data_updates":{"$inc":{"a":1}}}"""), 400);
        }

        var target = Supplementary(CorpusStore.Counters);
        string[] badUpdates =
        [
            "", "{", "null", "[]", "1", "\"x\"", "{}", "{\"supplementary_data_updates\":{}}", "{\"supplementary_data_updates\":null}",
            "{\"supplementary_data_updates\":[]}", "{\"supplementary_data_updates\":\"$set\"}", "{\"$set\":{\"a\":1}}",
            "{\"supplementary_data_updates\":{\"$unset\":{\"a\":1}}}", "{\"supplementary_data_updates\":{\"set\":{\"a\":1}}}",
            "{\"supplementary_data_updates\":{\"$SET\":{\"a\":1}}}", "{\"supplementary_data_updates\":{\"$set\":{}}}",
            "{\"supplementary_data_updates\":{\"$set\":\"x\"}}", "{\"supplementary_data_updates\":{\"$set\":[1]}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"\":1}}}", "{\"supplementary_data_updates\":{\"$set\":{\"a..b\":1}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\".a\":1}}}", "{\"supplementary_data_updates\":{\"$set\":{\"a.\":1}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\" \":1}}}", "{\"supplementary_data_updates\":{\"$set\":{\"a. .b\":1}}}",
            "{\"supplementary_data_updates\":{\"$inc\":{\"a\":1.5}}}", "{\"supplementary_data_updates\":{\"$inc\":{\"a\":\"1\"}}}",
            "{\"supplementary_data_updates\":{\"$inc\":{\"a\":true}}}", "{\"supplementary_data_updates\":{\"$inc\":{\"a\":null}}}",
            "{\"supplementary_data_updates\":{\"$inc\":{\"a\":{}}}}", "{\"supplementary_data_updates\":{\"$inc\":{\"a\":1e400}}}",
            "{\"supplementary_data_updates\":{\"$inc\":{\"a\":9223372036854775808}}}", "{\"supplementary_data_updates\":{\"$inc\":{\"a\":1e3}}}",
            "{\"supplementary_data_updates\":{\"$inc\":{\"max\":1}}}", "{\"supplementary_data_updates\":{\"$inc\":{\"word\":1}}}",
            "{\"supplementary_data_updates\":{\"$inc\":{\"nested\":1}}}", "{\"supplementary_data_updates\":{\"$set\":{\"flat.x\":1}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"word.x.y\":1}}}", "{\"supplementary_data_updates\":{\"$inc\":{\"flat.x\":1}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"ok\":1},\"$inc\":{\"max\":1}}}",
            "{\"supplementary_data_updates\":{\"$inc\":{\"ok\":1,\"max\":1}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"a\":1,\"a\":2}}}", "{\"supplementary_data_updates\":{\"$set\":{\"a\":1},\"$set\":{\"b\":2}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"a\":1}},\"supplementary_data_updates\":{\"$set\":{\"b\":1}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"a\":{\"b\":1,\"b\":2}}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"a\":\"\\u0000\"}}}", "{\"supplementary_data_updates\":{\"$set\":{\"a\\u0000b\":1}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"a\":\"\\ud800\"}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"a\":" + Nested(100, '{') + "}}}",
            "{\"supplementary_data_updates\":{\"$set\":{\"a\":" + Nested(100_000, '[') + "}}}",
        ];
        for (var i = 0; i < badUpdates.Length; i++)
        {
            Add($"supplementary_body_{i:00}", Post(target, badUpdates[i]), 400);
        }

        Add("supplementary_unknown_case", Post(Supplementary(CorpusStore.Absent), """{"supplementary_data_updates":{"$inc":{"a":1}}}"""), 404);
        for (var i = 0; i < notUtf8.Length; i++)
        {
            var body = Encoding.UTF8.GetBytes("""{"supplementary_data_updates":{"$set":{"k":"v"}}}""");
            Add($"supplementary_invalid_utf8_{i}", new RawRequest("POST", target, Splice(Encoding.UTF8.GetString(body), "v", notUtf8[i])), 400);
        }

        var hugeUpdate = Bodies.Supplementary("$set", "big", new string('h', InMemoryService.MaxRequestBodyBytes)).ToJsonString();
        Add("supplementary_body_over_limit", Post(target, hugeUpdate), 413);
        Add("supplementary_body_over_limit_chunked", Post(target, hugeUpdate) with { Chunked = true }, 413);
        AddAuthentication(cases, "supplementary", () => Post(target, """{"supplementary_data_updates":{"$inc":{"a":1}}}"""));
        return cases;
    }

    /// <summary>Authentication failures on one endpoint: each must be refused before the endpoint runs.</summary>
    private static void AddAuthentication(Dictionary<string, InvalidCase> cases, string endpoint, Func<RawRequest> request)
    {
        (string Label, string Header, string? Value, int Status)[] failures =
        [
            ("no_user_token", "Authorization", null, 401),
            ("empty_bearer", "Authorization", "Bearer ", 401),
            ("garbage_user_token", "Authorization", "Bearer not.a.token", 401),
            ("basic_credentials", "Authorization", "Basic dXNlcjpwYXNz", 401),
            ("expired_user_token", "Authorization", "Bearer " + TestTokens.ExpiredUser(), 401),
            ("not_yet_valid_user_token", "Authorization", "Bearer " + TestTokens.NotYetValidUser(), 401),
            ("user_token_signed_with_another_key", "Authorization", "Bearer " + TestTokens.UserSignedWithWrongKey(), 401),
            ("user_token_for_another_audience", "Authorization", "Bearer " + TestTokens.UserForWrongAudience(), 401),
            ("unsigned_user_token", "Authorization", "Bearer " + TestTokens.UnsignedUser(), 401),
            ("service_token_as_user_token", "Authorization", "Bearer " + TestTokens.Service(), 401),
            ("no_service_token", "ServiceAuthorization", null, 401),
            ("garbage_service_token", "ServiceAuthorization", "garbage", 401),
            ("expired_service_token", "ServiceAuthorization", TestTokens.ExpiredService(), 401),
            ("unsigned_service_token", "ServiceAuthorization", TestTokens.UnsignedService(), 401),
            ("service_token_signed_with_another_key", "ServiceAuthorization", TestTokens.ServiceSignedWithWrongKey(), 401),
            ("user_token_as_service_token", "ServiceAuthorization", TestTokens.User(), 401),
            ("service_not_allowed", "ServiceAuthorization", TestTokens.Service("some_other_service"), 403),
        ];
        foreach (var (label, header, value, status) in failures)
        {
            cases.Add(Unique(cases, $"{endpoint}_{label}"), new InvalidCase(request() with { Headers = [new(header, value)] }, status));
        }

        cases.Add($"{endpoint}_two_different_service_tokens", new InvalidCase(request() with
        {
            Headers = [new("ServiceAuthorization", TestTokens.Service()), new("ServiceAuthorization", TestTokens.Service("other_service"))],
        }, 401));
    }

    private static string Set(JsonObject body, string path, JsonNode? value)
    {
        var (parent, leaf) = Walk(body, path);
        parent[leaf] = value;
        return body.ToJsonString();
    }

    private static string Set(JsonObject body, string path, string value) => Set(body, path, JsonValue.Create(value));

    private static string Set(JsonObject body, string path, long value) => Set(body, path, JsonValue.Create(value));

    private static string Remove(JsonObject body, string path)
    {
        var (parent, leaf) = Walk(body, path);
        parent.Remove(leaf);
        return body.ToJsonString();
    }

    private static string Remove(string body, string path) => Remove(JsonNode.Parse(body)!.AsObject(), path);

    private static (JsonObject Parent, string Leaf) Walk(JsonObject body, string path)
    {
        var segments = path.Split('.');
        var parent = body;
        foreach (var segment in segments[..^1])
        {
            parent = parent[segment]!.AsObject();
        }

        return (parent, segments[^1]);
    }

    internal static string Nested(int depth, char open) => open == '{'
        ? string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)
        : new string('[', depth) + new string(']', depth);

    /// <summary>The body with raw bytes spliced into the first occurrence of <paramref name="marker"/>.</summary>
    internal static byte[] Splice(string json, string marker, byte[] bytes)
    {
        var index = json.IndexOf(marker, StringComparison.Ordinal);
        var before = Encoding.UTF8.GetBytes(json[..index]);
        var after = Encoding.UTF8.GetBytes(json[(index + 1)..]);
        return [.. before, .. bytes, .. after];
    }

    /// <summary>Labels of odd values can coincide ("{}" and "[]"); numbered suffixes keep every case.</summary>
    private static string Unique(Dictionary<string, InvalidCase> cases, string name)
    {
        var unique = name;
        for (var n = 2; cases.ContainsKey(unique); n++)
        {
            unique = $"{name}_{n}";
        }

        return unique;
    }

    internal static string Label(string text)
    {
        var label = new string(text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').Take(24).ToArray());
        return label.Length == 0 ? "empty" : label;
    }
}
