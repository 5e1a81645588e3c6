using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Import;

/// <summary>
/// <c>import --verify</c>: compares, per case type, every case of CCD's database with the store's, walking both in
/// reference order, and lists each difference by kind: cases missing in the store, cases only in the store, and
/// cases that differ (naming the columns, and the history events, that differ).
/// </summary>
/// <remarks>
/// <para>Columns are compared as the import maps them (<see cref="SourceQueries"/>): one digest per column on each
/// side (jsonb and timestamps print canonically), so both sides print the same text for the same value.</para>
/// <para>The pointer rule: a CCD row with <c>data = {}</c> and <c>state = ''</c> is the pointer CCD keeps for a case
/// a decentralised service owns (CCD writes its pointers so, and its logstash trigger recognises them by exactly this
/// test). Its content and history are the store's, not CCD's: only the pointer's identity (internal id,
/// jurisdiction, case type) is compared, and the store must hold the case. Pointers are counted, not reported.</para>
/// </remarks>
internal sealed class ImportVerifier(NpgsqlDataSource target, NpgsqlDataSource source)
{
    /// <summary>The compared case columns, in the order of both queries' column arrays.</summary>
    internal static readonly string[] CaseColumns =
    [
        "id", "jurisdiction", "case_type_id", "state", "data", "data_classification", "supplementary_data",
        "security_classification", "version", "resolved_ttl", "created_date", "last_modified", "last_state_modified_date",
    ];

    /// <summary>One digest per <see cref="CaseColumns"/> entry of CCD's row <c>c</c>, mapped as import maps it.</summary>
    internal const string SourceColumnDigests = $$"""
        ARRAY[md5(c.id::text), md5(c.jurisdiction), md5(c.case_type_id), md5(c.state), md5(c.data::text),
              md5(coalesce(c.data_classification, '{}'::jsonb)::text), md5(coalesce(c.supplementary_data, '{}'::jsonb)::text),
              md5(c.security_classification::text), md5(({{SourceQueries.StoreVersion}})::text), coalesce(md5(c.resolved_ttl::text), 'null'),
              md5(c.created_date::text), md5(coalesce(c.last_modified, c.created_date)::text),
              md5(coalesce(c.last_state_modified_date, c.last_modified, c.created_date)::text)]
        """;

    /// <summary>The same digests of the store's row <c>c</c>.</summary>
    internal const string StoreColumnDigests = """
        ARRAY[coalesce(md5(c.id::text), 'null'), md5(c.jurisdiction), md5(c.case_type_id), md5(c.state), md5(c.data::text),
              md5(c.data_classification::text), md5(c.supplementary_data::text), md5(c.security_classification::text),
              md5(c.version::text), coalesce(md5(c.resolved_ttl::text), 'null'), md5(c.created_date::text),
              md5(c.last_modified::text), md5(c.last_state_modified_date::text)]
        """;

    /// <summary>CCD's test for its pointer row of a case a service owns (on CCD's row <c>c</c>).</summary>
    internal const string IsPointer = "(c.data = '{}'::jsonb AND c.state = '')";

    // The columns a pointer row is compared on (indexes into CaseColumns).
    private static readonly int[] PointerColumns = [0, 1, 2];

    private const string SourceSql = $$"""
        SELECT c.reference, {{IsPointer}} AS pointer,
               {{SourceColumnDigests}},
               coalesce(h.ids, '{}'), coalesce(h.digests, '{}')
        FROM case_data c
        CROSS JOIN LATERAL (
            SELECT array_agg(e.id ORDER BY e.id) AS ids,
                   array_agg(md5(concat_ws('|', e.event_id, e.event_name, e.summary, e.description,
                       e.user_id, e.user_first_name, e.user_last_name, e.proxied_by, e.proxied_by_first_name, e.proxied_by_last_name,
                       e.created_date, e.case_type_id, e.case_type_version, e.state_id, coalesce(e.state_name, ''), e.data::text,
                       coalesce(e.data_classification, '{}'::jsonb)::text, e.security_classification::text,
                       (SELECT string_agg(concat_ws('|', i.id, i.type::text, i.description, coalesce(i.url, '')), ',' ORDER BY i.id)
                        FROM case_event_significant_items i WHERE i.case_event_id = e.id))) ORDER BY e.id) AS digests
            FROM case_event e WHERE e.case_data_id = c.id
        ) h
        WHERE c.case_type_id = @case_type
        ORDER BY c.reference
        """;

    private const string TargetSql = $$"""
        SELECT c.reference, false,
               {{StoreColumnDigests}},
               coalesce(h.ids, '{}'), coalesce(h.digests, '{}')
        FROM ccd.case_data c
        CROSS JOIN LATERAL (
            SELECT array_agg(e.id ORDER BY e.id) AS ids,
                   array_agg(md5(concat_ws('|', e.event_id, e.event_name, e.summary, e.description,
                       e.user_id, e.user_first_name, e.user_last_name, e.proxied_by, e.proxied_by_first_name, e.proxied_by_last_name,
                       e.created_date, e.case_type_id, e.case_type_version, e.state_id, e.state_name, e.data::text,
                       e.data_classification::text, e.security_classification::text,
                       (SELECT string_agg(concat_ws('|', i.id, i.type::text, i.description, i.url), ',' ORDER BY i.id)
                        FROM ccd.case_event_significant_items i WHERE i.case_event_id = e.id))) ORDER BY e.id) AS digests
            FROM ccd.case_event e WHERE e.case_reference = c.reference
        ) h
        WHERE c.case_type_id = @case_type
        ORDER BY c.reference
        """;

    public async Task<IReadOnlyList<VerifyResult>> VerifyAsync(IEnumerable<string> caseTypes, CancellationToken cancellationToken)
    {
        var results = new List<VerifyResult>();
        foreach (var caseType in caseTypes)
        {
            results.Add(await VerifyAsync(caseType, cancellationToken));
        }

        return results;
    }

    private async Task<VerifyResult> VerifyAsync(string caseType, CancellationToken cancellationToken)
    {
        await using var sourceCommand = Command(source, SourceSql, caseType);
        await using var targetCommand = Command(target, TargetSql, caseType);
        await using var left = await sourceCommand.ExecuteReaderAsync(cancellationToken);
        await using var right = await targetCommand.ExecuteReaderAsync(cancellationToken);

        var result = new VerifyResult(caseType);
        var ccd = await NextAsync(left, cancellationToken);
        var store = await NextAsync(right, cancellationToken);
        while (ccd is not null || store is not null)
        {
            var order = ccd is null ? 1 : store is null ? -1 : ccd.Reference.CompareTo(store.Reference);
            if (order < 0)
            {
                result.Count(ccd!, source: true);
                result.Missing.Add(ccd!.Reference);
                ccd = await NextAsync(left, cancellationToken);
            }
            else if (order > 0)
            {
                result.Count(store!, source: false);
                result.Extra.Add(store!.Reference);
                store = await NextAsync(right, cancellationToken);
            }
            else
            {
                result.Count(ccd!, source: true);
                result.Count(store!, source: false);
                if (Compare(ccd!, store!) is { } difference)
                {
                    result.Different.Add(difference);
                }

                ccd = await NextAsync(left, cancellationToken);
                store = await NextAsync(right, cancellationToken);
            }
        }

        return result;
    }

    private static CaseDifference? Compare(CaseRow ccd, CaseRow store)
    {
        var columns = (ccd.Pointer ? PointerColumns : Enumerable.Range(0, CaseColumns.Length))
            .Where(i => ccd.Columns[i] != store.Columns[i])
            .Select(i => CaseColumns[i])
            .ToList();
        if (ccd.Pointer)
        {
            return columns.Count == 0 ? null : new CaseDifference(ccd.Reference, true, columns, [], [], []);
        }

        var ours = store.Events.Zip(store.EventDigests).ToDictionary(e => e.First, e => e.Second);
        var theirs = ccd.Events.Zip(ccd.EventDigests).ToDictionary(e => e.First, e => e.Second);
        var missingEvents = ccd.Events.Where(id => !ours.ContainsKey(id)).ToList();
        var extraEvents = store.Events.Where(id => !theirs.ContainsKey(id)).ToList();
        var differentEvents = ccd.Events.Where(id => ours.TryGetValue(id, out var digest) && digest != theirs[id]).ToList();
        return columns.Count == 0 && missingEvents.Count == 0 && extraEvents.Count == 0 && differentEvents.Count == 0
            ? null
            : new CaseDifference(ccd.Reference, false, columns, missingEvents, extraEvents, differentEvents);
    }

    private static async Task<CaseRow?> NextAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken)
            ? new CaseRow(reader.GetInt64(0), reader.GetBoolean(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<long[]>(3), reader.GetFieldValue<string[]>(4))
            : null;

    private static NpgsqlCommand Command(NpgsqlDataSource dataSource, string sql, string caseType)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
        return command;
    }

    internal sealed record CaseRow(long Reference, bool Pointer, string[] Columns, long[] Events, string[] EventDigests);

    /// <summary>The comparison of one case type: every difference, by kind.</summary>
    internal sealed class VerifyResult(string caseTypeId)
    {
        public string CaseTypeId { get; } = caseTypeId;

        public long SourceCases { get; private set; }

        public long TargetCases { get; private set; }

        public long SourceEvents { get; private set; }

        public long TargetEvents { get; private set; }

        /// <summary>CCD rows that are pointers to cases the store owns (compared on identity only).</summary>
        public long Pointers { get; private set; }

        /// <summary>Cases CCD holds and the store does not.</summary>
        public List<long> Missing { get; } = [];

        /// <summary>Cases the store holds and CCD does not (deleted in CCD since their import, or never in CCD).</summary>
        public List<long> Extra { get; } = [];

        /// <summary>Cases both hold with different content or history.</summary>
        public List<CaseDifference> Different { get; } = [];

        public bool Passed => Missing.Count == 0 && Extra.Count == 0 && Different.Count == 0;

        /// <summary>One line: the counts of each kind.</summary>
        public string Summary => string.Create(CultureInfo.InvariantCulture, $"{CaseTypeId}: {Missing.Count} missing, {Extra.Count} extra, {Different.Count} different");

        internal void Count(CaseRow row, bool source)
        {
            if (source)
            {
                SourceCases++;
                SourceEvents += row.Events.Length;
                Pointers += row.Pointer ? 1 : 0;
            }
            else
            {
                TargetCases++;
                TargetEvents += row.Events.Length;
            }
        }
    }

    /// <summary>How one case differs: the case columns, and the history events CCD has that the store lacks, the reverse, and those that differ.</summary>
    internal sealed record CaseDifference(
        long Reference, bool Pointer, IReadOnlyList<string> Columns, IReadOnlyList<long> EventsMissing, IReadOnlyList<long> EventsExtra, IReadOnlyList<long> EventsDifferent)
    {
        /// <summary>What differs, as printed by <c>import --verify</c>.</summary>
        public string Describe()
        {
            var parts = new List<string>();
            if (Columns.Count > 0)
            {
                parts.Add((Pointer ? "pointer " : "") + string.Join(", ", Columns));
            }

            AddEvents(parts, "events missing", EventsMissing);
            AddEvents(parts, "events extra", EventsExtra);
            AddEvents(parts, "events different", EventsDifferent);
            return string.Join("; ", parts);
        }

        private static void AddEvents(List<string> parts, string label, IReadOnlyList<long> ids)
        {
            if (ids.Count > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{label} {string.Join(",", ids)}"));
            }
        }
    }
}
