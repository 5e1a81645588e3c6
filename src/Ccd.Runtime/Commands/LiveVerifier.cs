using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Runtime.CentralCcd;
using Ccd.Runtime.Endpoints;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Commands;

/// <summary>
/// <c>import --verify --live --sample N</c>: reads N cases of each case type both from CCD's data store (v2
/// <c>GET /cases/{ref}</c> as the system user, while CCD still serves the case type) and as this service's
/// <c>/ccd-persistence</c> renders them (the same reading code, in process), and lists every field that differs, so
/// a team sees before the switch what CCD's users would see change after it.
/// </summary>
/// <remarks>
/// CCD's <c>CaseResource</c> is compared with our <c>case_details</c> field by field: <c>id</c>, <c>jurisdiction</c>,
/// <c>case_type</c> (our <c>case_type_id</c>), <c>state</c> and <c>security_classification</c> as text; the three
/// timestamps as values to the millisecond (CCD parses ours and prints them in its own format, so only the value can
/// change, and our API carries milliseconds); and
/// <c>data</c> (our <c>case_data</c>) and <c>data_classification</c> leaf by leaf as JSON (CCD passes ours through
/// unchanged), a missing member counting as <c>null</c>. Values of <c>data</c> are never printed, only their paths.
/// </remarks>
internal sealed class LiveVerifier(NpgsqlDataSource target, IServiceProvider services, CcdDataStoreClient ccd)
{
    // A stable spread over the case type, the same on every run.
    private const string SampleSql = "SELECT reference FROM ccd.case_data WHERE case_type_id = @case_type AND removed_at IS NULL ORDER BY md5(reference::text) LIMIT @sample";

    private static readonly (string Ccd, string Ours)[] TextFields =
        [("id", "id"), ("jurisdiction", "jurisdiction"), ("case_type", "case_type_id"), ("state", "state"), ("security_classification", "security_classification")];

    private static readonly (string Ccd, string Ours)[] TimeFields =
        [("created_on", "created_date"), ("last_modified_on", "last_modified"), ("last_state_modified_on", "last_state_modified_date")];

    public async Task<IReadOnlyList<LiveResult>> VerifyAsync(IEnumerable<string> caseTypes, int sample, CancellationToken cancellationToken)
    {
        var results = new List<LiveResult>();
        foreach (var caseType in caseTypes)
        {
            var references = await SampleAsync(caseType, sample, cancellationToken);
            var ours = await ReadOursAsync(references, cancellationToken);
            var differences = new List<LiveDifference>();
            foreach (var reference in references)
            {
                var theirs = await ccd.ReadCaseAsync(reference, cancellationToken);
                if (!theirs.Found)
                {
                    differences.Add(new LiveDifference(reference, "(case)", "404 (not found, or not readable by the system user)", "present"));
                    continue;
                }

                if (!ours.TryGetValue(reference, out var details))
                {
                    differences.Add(new LiveDifference(reference, "(case)", "present", "absent"));
                    continue;
                }

                Compare(reference, theirs.Case!, details, differences);
            }

            results.Add(new LiveResult(caseType, references.Count, differences));
        }

        return results;
    }

    private static void Compare(long reference, JsonObject theirs, JsonObject ours, List<LiveDifference> differences)
    {
        foreach (var (ccdName, ourName) in TextFields)
        {
            var left = Text(theirs[ccdName]);
            var right = Text(ours[ourName]);
            if (left != right)
            {
                differences.Add(new LiveDifference(reference, ccdName, Show(left), Show(right)));
            }
        }

        foreach (var (ccdName, ourName) in TimeFields)
        {
            var left = Time(theirs[ccdName]);
            var right = Time(ours[ourName]);
            if (left != right)
            {
                differences.Add(new LiveDifference(reference, ccdName, Show(Text(theirs[ccdName])), Show(Text(ours[ourName]))));
            }
        }

        CompareJson(reference, "data", theirs["data"], ours["case_data"], showValues: false, differences);
        CompareJson(reference, "data_classification", theirs["data_classification"], ours["data_classification"], showValues: true, differences);
    }

    private static void CompareJson(long reference, string path, JsonNode? theirs, JsonNode? ours, bool showValues, List<LiveDifference> differences)
    {
        if (theirs is JsonObject left && ours is JsonObject right)
        {
            foreach (var key in left.Select(p => p.Key).Union(right.Select(p => p.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                CompareJson(reference, path + "." + key, left[key], right[key], showValues, differences);
            }
        }
        else if (theirs is JsonArray leftItems && ours is JsonArray rightItems)
        {
            for (var i = 0; i < Math.Max(leftItems.Count, rightItems.Count); i++)
            {
                CompareJson(reference, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), i < leftItems.Count ? leftItems[i] : null, i < rightItems.Count ? rightItems[i] : null,
                    showValues, differences);
            }
        }
        else if (!JsonNode.DeepEquals(theirs, ours))
        {
            differences.Add(showValues
                ? new LiveDifference(reference, path, theirs?.ToJsonString() ?? "absent", ours?.ToJsonString() ?? "absent")
                : new LiveDifference(reference, path, Kind(theirs), Kind(ours)));
        }
    }

    private static string Kind(JsonNode? node) => node is null ? "absent" : "a " + node.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        _ => "value",
    };

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    // To the millisecond: the persistence API carries timestamps to the millisecond (SPEC 2.1), so CCD's microseconds
    // of an imported row are a known loss below what any user sees, not a difference of one case.
    private static DateTime? Time(JsonNode? node) =>
        Text(node) is { } text && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
            ? new DateTime(value.Ticks - (value.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc)
            : null;

    private static string Show(string? value) => value is null ? "null" : "\"" + value + "\"";

    private async Task<List<long>> SampleAsync(string caseType, int sample, CancellationToken cancellationToken)
    {
        await using var command = target.CreateCommand(SampleSql);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
        command.Parameters.Add(new NpgsqlParameter<int>("sample", NpgsqlDbType.Integer) { TypedValue = sample });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var references = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            references.Add(reader.GetInt64(0));
        }

        return references;
    }

    private async Task<Dictionary<long, JsonObject>> ReadOursAsync(List<long> references, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var json = await ReadingEndpoints.RenderAsync(scope.ServiceProvider, target, references.ToArray(), cancellationToken);
        return JsonNode.Parse(json.Span)!.AsArray()
            .Select(item => item!["case_details"]!.AsObject())
            .ToDictionary(details => details["id"]!.GetValue<long>());
    }

    /// <summary>One case type's live comparison.</summary>
    internal sealed record LiveResult(string CaseTypeId, int Read, IReadOnlyList<LiveDifference> Differences)
    {
        public bool Passed => Differences.Count == 0;
    }

    /// <summary>One field of one case that CCD shows differently from us (<paramref name="Ccd"/> and <paramref name="Ours"/> as printed).</summary>
    internal sealed record LiveDifference(long Reference, string Field, string Ccd, string Ours);
}
