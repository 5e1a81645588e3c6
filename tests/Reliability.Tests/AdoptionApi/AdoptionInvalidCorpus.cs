using System.Text;
using Ccd.Testing;
using Reliability.Tests.HostileInput;
using Reliability.Tests.Support;
using static Reliability.Tests.AdoptionApi.AdoptionService;

namespace Reliability.Tests.AdoptionApi;

/// <summary>One invalid request of the adoption service, the status it must get and the field its problem must name (null: none in particular).</summary>
internal sealed record AdoptionInvalidCase(RawRequest Request, int Expected, string? Field);

/// <summary>
/// The invalid half of the hostile corpus over the adoption service's REST API (<c>/api</c>) and the runtime's CCD
/// callbacks, generated as a table against the cases of <see cref="AdoptionCorpusStore"/>: malformed and truncated
/// JSON, wrong types, missing and null required members, unknown enum values, read-only members in a merge patch,
/// text longer than its column, bad UUIDs, bad and contradictory versions, invalid UTF-8, U+0000 and lone
/// surrogates, duplicate keys, deep nesting and bodies over the limit. Each must get a 4xx problem naming the field
/// at fault and change nothing.
/// </summary>
internal static class AdoptionInvalidCorpus
{
    private const string ValidCreate = """{"courtCode":"BFC","applicantName":"Ann Applicant","childName":"Chris Child"}""";

    /// <summary>Every endpoint that reads a JSON body, with a body it would accept (but for the version or state of the seeded case).</summary>
    private static readonly (string Name, string Method, string Path, string Json)[] BodyEndpoints =
    [
        ("create", "POST", "/api/cases", ValidCreate),
        ("patch", "PATCH", "/api/cases/{case}", """{"childName":"Chris Child","version":1}"""),
        ("status", "POST", "/api/cases/{case}/status", """{"status":"DIRECTIONS","version":1}"""),
        ("assign", "POST", "/api/cases/{case}/assignments", """{"userId":"cafcass-7","role":"cafcass"}"""),
        ("add_document", "POST", "/api/cases/{case}/documents", """{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":5}"""),
        ("patch_document", "PATCH", "/api/cases/{case}/documents/{document}", """{"uploadStatus":"UPLOADED","sizeBytes":5}"""),
        ("about_to_start", "POST", "/callbacks/about-to-start", Callback("submitApplication")),
        ("mid_event", "POST", "/callbacks/mid-event?page=page1", Callback("submitApplication")),
    ];

    public static IReadOnlyDictionary<string, AdoptionInvalidCase> All { get; } = Build();

    private static Dictionary<string, AdoptionInvalidCase> Build()
    {
        var cases = new Dictionary<string, AdoptionInvalidCase>(StringComparer.Ordinal);
        void Add(string name, RawRequest request, int expected, string? field)
        {
            // Labels of odd values can coincide ("{}" and "[]"); numbered suffixes keep every case.
            var unique = name;
            for (var n = 2; cases.ContainsKey(unique); n++)
            {
                unique = $"{name}_{n}";
            }

            cases.Add(unique, new AdoptionInvalidCase(request, expected, field));
        }

        // Callbacks are CCD's: they carry CCD's user and service tokens, not an adoption user's.
        static RawRequest Request(string method, string path, byte[] body) =>
            path.StartsWith("/callbacks", StringComparison.Ordinal) ? new RawRequest(method, path, body) : ApiBytes(method, path, body);

        // --- Every body endpoint: malformed, truncated, not an object, not UTF-8, unstorable text, duplicate keys, nesting, size.
        string[] malformed = ["", " ", "{", "}", "[", "null", "true", "0", "[]", "\"text\"", "{,}", "{\"a\":}", "{'a':1}", "{\"a\":NaN}", "{\"a\":1,}", "{}{}", "{\"a\":\"raw\ttab\"}"];
        byte[][] notUtf8 = [[0xC3, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x80]];
        foreach (var (endpoint, method, path, json) in BodyEndpoints)
        {
            for (var i = 0; i < malformed.Length; i++)
            {
                Add($"{endpoint}_malformed_{i:00}_{InvalidCorpus.Label(malformed[i])}", Request(method, path, Encoding.UTF8.GetBytes(malformed[i])), 400, null);
            }

            foreach (var cut in new[] { 1, json.Length / 3, json.Length / 2, json.Length - 2, json.Length - 1 })
            {
                Add($"{endpoint}_truncated_at_{cut}", Request(method, path, Encoding.UTF8.GetBytes(json[..cut])), 400, null);
            }

            Add($"{endpoint}_then_garbage", Request(method, path, Encoding.UTF8.GetBytes(json + "x")), 400, null);
            Add($"{endpoint}_twice", Request(method, path, Encoding.UTF8.GetBytes(json + json)), 400, null);
            var firstString = FirstStringValue(json);
            for (var i = 0; i < notUtf8.Length; i++)
            {
                Add($"{endpoint}_invalid_utf8_{i}", Request(method, path, InvalidCorpus.Splice(json, firstString, notUtf8[i])), 400, null);
            }

            Add($"{endpoint}_nul_in_string", Request(method, path, Encoding.UTF8.GetBytes(json.Replace($"\"{firstString}\"", $"\"{firstString}\\u0000x\"", StringComparison.Ordinal))), 400, null);
            Add($"{endpoint}_lone_surrogate_in_string", Request(method, path, Encoding.UTF8.GetBytes(json.Replace($"\"{firstString}\"", $"\"{firstString}\\ud800\"", StringComparison.Ordinal))), 400, null);
            Add($"{endpoint}_duplicate_key", Request(method, path, Encoding.UTF8.GetBytes(DuplicateFirstMember(json))), 400, null);
            Add($"{endpoint}_nested_200", Request(method, path, Encoding.UTF8.GetBytes(json[..^1] + ",\"deep\":" + InvalidCorpus.Nested(200, '{') + "}")), 400, null);
            Add($"{endpoint}_arrays_nested_100000", Request(method, path, Encoding.UTF8.GetBytes(json[..^1] + ",\"deep\":" + InvalidCorpus.Nested(100_000, '[') + "}")), 400, null);
            var huge = Encoding.UTF8.GetBytes(json[..^1] + ",\"big\":\"" + new string('h', InMemoryService.MaxRequestBodyBytes) + "\"}");
            Add($"{endpoint}_body_over_limit", Request(method, path, huge), 413, null);
            Add($"{endpoint}_body_over_limit_chunked", Request(method, path, huge) with { Chunked = true }, 413, null);
        }

        // --- Create: wrong types, missing and null required members, unknown members, values out of range, text over its column.
        (string Member, string Json, string Field)[] badCreates =
        [
            ("courtCode", "1", "courtCode"), ("courtCode", "null", "courtCode"), ("courtCode", "\"bfc\"", "courtCode"), ("courtCode", "\"B\"", "courtCode"),
            ("courtCode", "\"BFCBFCBFC\"", "courtCode"), ("courtCode", "\"ZZZ\"", "courtCode"), ("courtCode", "[\"BFC\"]", "courtCode"), ("courtCode", "\"'; --\"", "courtCode"),
            ("applicantName", "null", "applicantName"), ("applicantName", "1", "applicantName"), ("applicantName", "{}", "applicantName"),
            ("applicantName", "\"\"", "applicantName"), ("applicantName", "\"   \"", "applicantName"), ("applicantName", Quoted(new string('n', 201)), "applicantName"),
            ("applicantName", Quoted(string.Concat(Enumerable.Repeat("\U0001F600", 201))), "applicantName"),
            ("childName", "false", "childName"), ("childName", "[]", "childName"), ("childName", Quoted(new string('c', 201)), "childName"),
            ("applicantEmail", "\"not-an-email\"", "applicantEmail"), ("applicantEmail", "\"a@b@c\"", "applicantEmail"), ("applicantEmail", "\"a b@c.org\"", "applicantEmail"),
            ("applicantEmail", "1", "applicantEmail"), ("applicantEmail", Quoted(new string('e', 250) + "@x.org"), "applicantEmail"),
            ("applicantPhone", "\"phone me\"", "applicantPhone"), ("applicantPhone", "12345", "applicantPhone"), ("applicantPhone", Quoted(new string('1', 31)), "applicantPhone"),
            ("childDateOfBirth", "\"2020-02-30\"", "childDateOfBirth"), ("childDateOfBirth", "\"02/01/2020\"", "childDateOfBirth"), ("childDateOfBirth", "\"2999-01-01\"", "childDateOfBirth"),
            ("childDateOfBirth", "20200102", "childDateOfBirth"), ("childDateOfBirth", "\"2020-01-02T00:00:00Z\"", "childDateOfBirth"),
            ("status", "\"CLOSED\"", "status"), ("id", "\"0195f0c1-0000-7000-8000-000000000001\"", "id"), ("caseNumber", "\"BFC/2026/00001\"", "caseNumber"),
            ("ccdReference", "\"4000000000000002\"", "ccdReference"), ("version", "5", "version"), ("applicant_name", "\"snake\"", "applicant_name"),
        ];
        foreach (var (member, json, field) in badCreates)
        {
            Add($"create_{member}_{InvalidCorpus.Label(json)}", Api("POST", "/api/cases", With(ValidCreate, member, json)), 400, field);
        }

        // Text PostgreSQL cannot store (U+0000) or that is not Unicode (a lone surrogate), in each free-text member.
        (string Path, string Json, string Member)[] freeText =
        [
            ("/api/cases", ValidCreate, "applicantName"), ("/api/cases", ValidCreate, "childName"), ("/api/cases", ValidCreate, "applicantEmail"),
            ("/api/cases/{case}/assignments", """{"userId":"cafcass-7","role":"cafcass"}""", "userId"),
            ("/api/cases/{case}/documents", """{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":5}""", "fileName"),
            ("/api/cases/{case}/documents", """{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":5}""", "storageRef"),
        ];
        foreach (var (path, json, member) in freeText)
        {
            Add($"{InvalidCorpus.Label(path)}_nul_in_{member}", Api("POST", path, With(json, member, "\"a#b@c\"").Replace("#", "\\u0000", StringComparison.Ordinal)), 400, member);
            Add($"{InvalidCorpus.Label(path)}_lone_surrogate_in_{member}", Api("POST", path, With(json, member, "\"a#b@c\"").Replace("#", "\\udc00", StringComparison.Ordinal)), 400, member);
        }

        Add("patch_nul_in_childName", Api("PATCH", "/api/cases/{case}", """{"childName":"a\u0000b","version":1}"""), 400, "childName");
        Add("patch_lone_surrogate_in_applicantName", Api("PATCH", "/api/cases/{case}", """{"applicantName":"\ud800","version":1}"""), 400, "applicantName");
        Add("patch_document_nul_in_storageRef", Api("PATCH", "/api/cases/{case}/documents/{document}", """{"storageRef":"s3://x\u0000"}"""), 400, "storageRef");

        Add("create_without_courtCode", Api("POST", "/api/cases", """{"applicantName":"A","childName":"C"}"""), 400, "courtCode");
        Add("create_without_applicantName", Api("POST", "/api/cases", """{"courtCode":"BFC","childName":"C"}"""), 400, "applicantName");
        Add("create_without_childName", Api("POST", "/api/cases", """{"courtCode":"BFC","applicantName":"A"}"""), 400, "childName");
        Add("create_empty_object", Api("POST", "/api/cases", "{}"), 400, "courtCode");
        Add("create_in_another_court_as_caseworker", Api("POST", "/api/cases", With(ValidCreate, "courtCode", "\"MFC\""), TestTokens.User("cw-1", ["caseworker"], ["BFC"])), 403, "courtCode");
        Add("create_as_judge", Api("POST", "/api/cases", ValidCreate, TestTokens.User("judge-1", ["judge"], ["BFC"])), 403, null);
        Add("create_as_user_without_role", Api("POST", "/api/cases", ValidCreate, TestTokens.User("nobody-1")), 403, null);

        // --- List: query values out of range.
        foreach (var (query, field) in new[]
        {
            ("court=bfc", "court"), ("court=B", "court"), ("court=ZZZ", "court"), ("court=%27%3B--", "court"), ("status=OPEN", "status"), ("status=application", "status"),
            ("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"), ("page=1.5", "page"), ("page=99999999999", "page"),
            ("pageSize=0", "pageSize"), ("pageSize=101", "pageSize"), ("pageSize=%2B5", "pageSize"), ("page=%D9%A1", "page"),
        })
        {
            Add($"list_{InvalidCorpus.Label(query)}", Api("GET", "/api/cases?" + query), 400, field);
        }

        // --- Every route with an id: malformed UUIDs in each id segment.
        string[] badIds = ["abc", "123", "{case}x", "0195f0c1-0000-7000-8000-00000000000g", "0195f0c100007000800000000000000a", "%27%20OR%201%3D1", "{0195f0c1-0000-7000-8000-0000000000aa}"];
        (string Name, string Method, string Path, string? Json, string Field)[] idRoutes =
        [
            ("get", "GET", "/api/cases/{id}", null, "id"),
            ("patch", "PATCH", "/api/cases/{id}", """{"childName":"X","version":1}""", "id"),
            ("status", "POST", "/api/cases/{id}/status", """{"status":"DIRECTIONS","version":1}""", "id"),
            ("delete", "DELETE", "/api/cases/{id}?version=1", null, "id"),
            ("assign", "POST", "/api/cases/{id}/assignments", """{"userId":"u","role":"cafcass"}""", "id"),
            ("revoke", "DELETE", "/api/cases/{case}/assignments/{id}", null, "assignmentId"),
            ("add_document", "POST", "/api/cases/{id}/documents", """{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":5}""", "id"),
            ("list_documents", "GET", "/api/cases/{id}/documents", null, "id"),
            ("patch_document", "PATCH", "/api/cases/{case}/documents/{id}", """{"uploadStatus":"UPLOADED"}""", "documentId"),
            ("delete_document", "DELETE", "/api/cases/{case}/documents/{id}", null, "documentId"),
            ("audit", "GET", "/api/cases/{id}/audit", null, "id"),
        ];
        foreach (var (name, method, path, json, field) in idRoutes)
        {
            foreach (var id in badIds)
            {
                Add($"{name}_id_{InvalidCorpus.Label(id)}", Api(method, path.Replace("{id}", id, StringComparison.Ordinal), json), 400, field);
            }

            Add($"{name}_absent", Api(method, path.Replace("{id}", "{absent}", StringComparison.Ordinal), json), 404, null);
        }

        // --- Merge patch of a case: read-only and unknown members, wrong types, clearing required members, text over its column.
        foreach (var member in new[] { "status", "id", "caseNumber", "ccdReference", "courtCode", "createdAt", "createdBy", "updatedAt", "updatedBy", "assignments", "documents", "deletedAt" })
        {
            Add($"patch_read_only_{member}", Api("PATCH", "/api/cases/{case}", $$"""{"{{member}}":"x","version":1}"""), 400, member);
        }

        (string Member, string Json)[] badPatches =
        [
            ("applicantName", "null"), ("childName", "null"), ("applicantName", "\"\""), ("childName", "\" \""), ("applicantName", "7"),
            ("applicantName", Quoted(new string('n', 201))), ("childName", Quoted(string.Concat(Enumerable.Repeat("\U0001F476", 201)))),
            ("applicantEmail", "\"nope\""), ("applicantEmail", "[]"), ("applicantPhone", "\"call me\""), ("childDateOfBirth", "\"tomorrow\""),
            ("childDateOfBirth", "\"2999-12-31\""), ("version", "0"), ("version", "-1"), ("version", "\"1\""), ("version", "1.5"), ("version", "null"),
            ("version", "2147483648"), ("version", "1e400"),
        ];
        foreach (var (member, json) in badPatches)
        {
            var body = member == "version" ? $$"""{"childName":"Chris","version":{{json}}}""" : $$"""{"{{member}}":{{json}},"version":1}""";
            Add($"patch_{member}_{InvalidCorpus.Label(json)}", Api("PATCH", "/api/cases/{case}", body), 400, member);
        }

        // --- Versions: bad If-Match headers, header and body disagreeing, none at all, stale.
        string[] badIfMatch = ["W/\"1\"", "*", "1", "\"abc\"", "\"0\"", "\"-1\"", "\"\"", "\"1\", \"2\"", "\"99999999999\"", "\"1"];
        (string Name, string Method, string Path, string Json)[] versioned =
        [
            ("patch", "PATCH", "/api/cases/{case}", """{"childName":"Chris"}"""),
            ("status", "POST", "/api/cases/{case}/status", """{"status":"DIRECTIONS"}"""),
            ("delete", "DELETE", "/api/cases/{case}", ""),
        ];
        foreach (var (name, method, path, json) in versioned)
        {
            var body = json.Length == 0 ? null : json;
            foreach (var header in badIfMatch)
            {
                Add($"{name}_if_match_{InvalidCorpus.Label(header)}", Api(method, path, body, null, IfMatch(header)), 400, "If-Match");
            }

            Add($"{name}_without_version", Api(method, path, body), 428, null);
            Add($"{name}_stale_if_match", Api(method, path, body, null, IfMatch("\"5\"")), 409, null);
        }

        Add("patch_if_match_and_body_version_differ", Api("PATCH", "/api/cases/{case}", """{"childName":"Chris","version":2}""", null, IfMatch("\"1\"")), 400, "version");
        Add("status_if_match_and_body_version_differ", Api("POST", "/api/cases/{case}/status", """{"status":"DIRECTIONS","version":2}""", null, IfMatch("\"1\"")), 400, "version");
        Add("delete_if_match_and_query_version_differ", Api("DELETE", "/api/cases/{case}?version=2", null, null, IfMatch("\"1\"")), 400, "version");
        Add("patch_stale_body_version", Api("PATCH", "/api/cases/{case}", """{"childName":"Chris","version":7}"""), 409, null);
        foreach (var version in new[] { "0", "-1", "abc", "1.0", "99999999999", "%201" })
        {
            Add($"delete_query_version_{InvalidCorpus.Label(version)}", Api("DELETE", $"/api/cases/{{case}}?version={version}"), 400, "version");
        }

        // --- Status: missing, mistyped and unknown targets, and transitions the lifecycle forbids.
        foreach (var (json, field) in new[]
        {
            ("""{"version":1}""", "status"), ("""{"status":null,"version":1}""", "status"), ("""{"status":1,"version":1}""", "status"),
            ("""{"status":"OPEN","version":1}""", "status"), ("""{"status":"directions","version":1}""", "status"), ("""{"status":"","version":1}""", "status"),
            ("""{"status":"DIRECTIONS ","version":1,"reason":"x"}""", "reason"), ("""{"status":["DIRECTIONS"],"version":1}""", "status"),
            ("""{"status":"DIRECTIONSDIRECTIONS","version":1}""", "status"),
        })
        {
            Add($"status_body_{InvalidCorpus.Label(json)}_{cases.Count}", Api("POST", "/api/cases/{case}/status", json), 400, field);
        }

        foreach (var target in new[] { "APPLICATION", "HEARING", "ORDER_MADE", "CLOSED" })
        {
            Add($"status_illegal_transition_to_{target}", Api("POST", "/api/cases/{case}/status", $$"""{"status":"{{target}}","version":1}"""), 422, "status");
        }

        Add("status_as_judge_from_application", Api("POST", "/api/cases/{case}/status", """{"status":"DIRECTIONS","version":1}""", TestTokens.User("judge-1", ["judge"], ["BFC"])), 403, null);

        // --- Assignments.
        foreach (var (json, field) in new[]
        {
            ("""{"role":"cafcass"}""", "userId"), ("""{"userId":null,"role":"cafcass"}""", "userId"), ("""{"userId":7,"role":"cafcass"}""", "userId"),
            ("""{"userId":" ","role":"cafcass"}""", "userId"), ($$"""{"userId":"{{new string('u', 65)}}","role":"cafcass"}""", "userId"),
            ("""{"userId":"u"}""", "role"), ("""{"userId":"u","role":"judge"}""", "role"), ("""{"userId":"u","role":"ADOPTER"}""", "role"),
            ("""{"userId":"u","role":"caseworker"}""", "role"), ("""{"userId":"u","role":"admin"}""", "role"), ("""{"userId":"u","role":{}}""", "role"),
            ("""{"userId":"u","role":"cafcass","caseId":"x"}""", "caseId"),
        })
        {
            Add($"assign_body_{InvalidCorpus.Label(json)}_{cases.Count}", Api("POST", "/api/cases/{case}/assignments", json), 400, field);
        }

        Add("assign_already_active", Api("POST", "/api/cases/{case}/assignments", """{"userId":"sw-1","role":"social-worker"}"""), 409, null);
        Add("assign_as_judge", Api("POST", "/api/cases/{case}/assignments", """{"userId":"u","role":"cafcass"}""", TestTokens.User("judge-1", ["judge"], ["BFC"])), 403, null);
        Add("revoke_assignment_of_another_case", Api("DELETE", "/api/cases/{other}/assignments/{assignment}"), 404, null);

        // --- Documents.
        foreach (var (json, field) in new[]
        {
            ("""{"contentType":"application/pdf","sizeBytes":5}""", "fileName"), ("""{"fileName":null,"contentType":"application/pdf","sizeBytes":5}""", "fileName"),
            ("""{"fileName":"a/b.pdf","contentType":"application/pdf","sizeBytes":5}""", "fileName"), ("""{"fileName":"..\\b.pdf","contentType":"application/pdf","sizeBytes":5}""", "fileName"),
            ($$"""{"fileName":"{{new string('f', 256)}}","contentType":"application/pdf","sizeBytes":5}""", "fileName"), ("""{"fileName":5,"contentType":"application/pdf","sizeBytes":5}""", "fileName"),
            ("""{"fileName":"b.pdf","sizeBytes":5}""", "contentType"), ("""{"fileName":"b.pdf","contentType":"pdf","sizeBytes":5}""", "contentType"),
            ("""{"fileName":"b.pdf","contentType":"application/pdf; q=1","sizeBytes":5}""", "contentType"), ("""{"fileName":"b.pdf","contentType":"a/b/c","sizeBytes":5}""", "contentType"),
            ("""{"fileName":"b.pdf","contentType":"application/pdf"}""", "sizeBytes"), ("""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":-1}""", "sizeBytes"),
            ("""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":"5"}""", "sizeBytes"), ("""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":1.5}""", "sizeBytes"),
            ("""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":1099511627777}""", "sizeBytes"), ("""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":1e400}""", "sizeBytes"),
            ("""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":9223372036854775808}""", "sizeBytes"), ("""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":null}""", "sizeBytes"),
            ("""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":5,"sha256":"ABC"}""", "sha256"), ($$"""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":5,"sha256":"{{new string('A', 64)}}"}""", "sha256"),
            ($$"""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":5,"storageRef":"{{new string('s', 1025)}}"}""", "storageRef"),
            ("""{"fileName":"b.pdf","contentType":"application/pdf","sizeBytes":5,"uploadStatus":"UPLOADED"}""", "uploadStatus"),
        })
        {
            Add($"add_document_body_{cases.Count}_{field}", Api("POST", "/api/cases/{case}/documents", json), 400, field);
        }

        foreach (var (json, field) in new[]
        {
            ("""{"uploadStatus":"DONE"}""", "uploadStatus"), ("""{"uploadStatus":null}""", "uploadStatus"), ("""{"virusScanStatus":"clean"}""", "virusScanStatus"),
            ("""{"virusScanStatus":1}""", "virusScanStatus"), ("""{"ocrStatus":"STARTED"}""", "ocrStatus"), ("""{"sizeBytes":-5}""", "sizeBytes"),
            ("""{"sha256":"xyz"}""", "sha256"), ("""{"fileName":"renamed.pdf"}""", "fileName"), ("""{"id":"x"}""", "id"), ("""{"deletedAt":null}""", "deletedAt"),
        })
        {
            Add($"patch_document_body_{cases.Count}_{field}", Api("PATCH", "/api/cases/{case}/documents/{document}", json), 400, field);
        }

        Add("patch_document_under_another_case", Api("PATCH", "/api/cases/{other}/documents/{document}", """{"uploadStatus":"UPLOADED"}"""), 404, null);
        Add("delete_document_under_another_case", Api("DELETE", "/api/cases/{other}/documents/{document}"), 404, null);
        Add("patch_document_as_social_worker", Api("PATCH", "/api/cases/{case}/documents/{document}", """{"uploadStatus":"UPLOADED"}""", TestTokens.User("sw-1", ["social-worker"])), 403, null);
        Add("audit_as_social_worker", Api("GET", "/api/cases/{case}/audit", null, TestTokens.User("sw-1", ["social-worker"])), 403, null);

        // --- A user token whose id cannot be recorded (the actor columns hold 64 characters, and no text column U+0000).
        var longUser = TestTokens.User(new string('u', 65), ["admin"]);
        Add("create_as_user_with_overlong_id", Api("POST", "/api/cases", ValidCreate, longUser), 401, null);
        Add("patch_as_user_with_overlong_id", Api("PATCH", "/api/cases/{case}", """{"childName":"X","version":1}""", longUser), 401, null);
        Add("create_as_user_whose_id_holds_nul", Api("POST", "/api/cases", ValidCreate, TestTokens.User("admin\u0000x", ["admin"])), 401, null);

        // --- Callbacks: the request's shape.
        foreach (var (json, field) in new[]
        {
            ("""{"event_id":"submitApplication"}""", "case_details"), ("""{"event_id":"submitApplication","case_details":null}""", "case_details"),
            ("""{"event_id":"submitApplication","case_details":"x"}""", "case_details"), ("""{"event_id":"submitApplication","case_details":[]}""", "case_details"),
            ("""{"event_id":7,"case_details":{}}""", "event_id"), ("""{"event_id":"submitApplication","case_details":{"id":"abc"}}""", "case_details.id"),
            ("""{"event_id":"submitApplication","case_details":{"case_data":[]}}""", "case_details.case_data"),
            ("""{"event_id":"submitApplication","case_details":{},"ignore_warning":"yes"}""", "ignore_warning"),
        })
        {
            Add($"about_to_start_body_{cases.Count}", new RawRequest("POST", "/callbacks/about-to-start", Encoding.UTF8.GetBytes(json)), 400, field);
        }

        Add("mid_event_without_page", new RawRequest("POST", "/callbacks/mid-event", Encoding.UTF8.GetBytes(Callback("submitApplication"))), 400, "page");
        Add("mid_event_with_blank_page", new RawRequest("POST", "/callbacks/mid-event?page=%20", Encoding.UTF8.GetBytes(Callback("submitApplication"))), 400, "page");
        Add("about_to_start_without_service_token", new RawRequest("POST", "/callbacks/about-to-start", Encoding.UTF8.GetBytes(Callback("submitApplication")))
        {
            Headers = [new("ServiceAuthorization", null)],
        }, 401, null);
        Add("about_to_start_with_service_not_allowed", new RawRequest("POST", "/callbacks/about-to-start", Encoding.UTF8.GetBytes(Callback("submitApplication")))
        {
            Headers = [new("ServiceAuthorization", TestTokens.Service("xui_webapp"))],
        }, 403, null);
        return cases;
    }

    private static string Callback(string eventId) =>
        $$$"""{"event_id":"{{{eventId}}}","case_details":{"id":null,"jurisdiction":"ADOPTION","case_type_id":"A58","state":null,"case_data":{"courtCode":"BFC"}},"case_details_before":null,"ignore_warning":false}""";

    private static KeyValuePair<string, string?> IfMatch(string value) => new("If-Match", value);

    private static string Quoted(string text) => "\"" + text + "\"";

    /// <summary>The body with <paramref name="member"/> set to the raw JSON <paramref name="json"/> (added when absent).</summary>
    private static string With(string body, string member, string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node[member] = System.Text.Json.Nodes.JsonNode.Parse(json);
        return node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>The first string value of a flat JSON body (the text between the quotes after the first colon).</summary>
    private static string FirstStringValue(string json)
    {
        var start = json.IndexOf(":\"", StringComparison.Ordinal) + 2;
        return json[start..json.IndexOf('"', start)];
    }

    /// <summary>The body with its first member repeated with another value.</summary>
    private static string DuplicateFirstMember(string json)
    {
        var colon = json.IndexOf(':', StringComparison.Ordinal);
        var name = json[1..colon];
        return json[..^1] + "," + name + ":\"again\"}";
    }
}
