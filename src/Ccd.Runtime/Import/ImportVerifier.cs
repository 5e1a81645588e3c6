using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Import;

/// <summary>
/// <c>import --verify</c>: compares, per case type, the case and event counts and a digest of every case's content
/// and whole history (with significant items) between CCD and the store, by walking both sides in reference order.
/// </summary>
internal sealed class ImportVerifier(NpgsqlDataSource target, NpgsqlDataSource source)
{
    // The same text on both sides for the same content: jsonb prints canonically, timestamps in ISO style.
    private const string SourceSql = $$"""
        SELECT c.reference,
               md5(concat_ws('|', c.id, c.jurisdiction, c.case_type_id, c.state, c.data::text, coalesce(c.data_classification, '{}'::jsonb)::text,
                   coalesce(c.supplementary_data, '{}'::jsonb)::text, c.security_classification::text, {{SourceQueries.StoreVersion}}, c.resolved_ttl,
                   c.created_date, coalesce(c.last_modified, c.created_date), coalesce(c.last_state_modified_date, c.last_modified, c.created_date))),
               h.events, h.digest
        FROM case_data c
        CROSS JOIN LATERAL (
            SELECT count(*) AS events, md5(coalesce(string_agg(concat_ws('|', e.id, e.event_id, e.event_name, e.summary, e.description,
                       e.user_id, e.user_first_name, e.user_last_name, e.proxied_by, e.proxied_by_first_name, e.proxied_by_last_name,
                       e.created_date, e.case_type_id, e.case_type_version, e.state_id, coalesce(e.state_name, ''), e.data::text,
                       coalesce(e.data_classification, '{}'::jsonb)::text, e.security_classification::text,
                       (SELECT string_agg(concat_ws('|', i.id, i.type::text, i.description, coalesce(i.url, '')), ',' ORDER BY i.id)
                        FROM case_event_significant_items i WHERE i.case_event_id = e.id)), ',' ORDER BY e.id), '')) AS digest
            FROM case_event e WHERE e.case_data_id = c.id
        ) h
        WHERE c.case_type_id = @case_type
        ORDER BY c.reference
        """;

    private const string TargetSql = """
        SELECT c.reference,
               md5(concat_ws('|', c.id, c.jurisdiction, c.case_type_id, c.state, c.data::text, c.data_classification::text,
                   c.supplementary_data::text, c.security_classification::text, c.version, c.resolved_ttl,
                   c.created_date, c.last_modified, c.last_state_modified_date)),
               h.events, h.digest
        FROM ccd.case_data c
        CROSS JOIN LATERAL (
            SELECT count(*) AS events, md5(coalesce(string_agg(concat_ws('|', e.id, e.event_id, e.event_name, e.summary, e.description,
                       e.user_id, e.user_first_name, e.user_last_name, e.proxied_by, e.proxied_by_first_name, e.proxied_by_last_name,
                       e.created_date, e.case_type_id, e.case_type_version, e.state_id, e.state_name, e.data::text,
                       e.data_classification::text, e.security_classification::text,
                       (SELECT string_agg(concat_ws('|', i.id, i.type::text, i.description, i.url), ',' ORDER BY i.id)
                        FROM ccd.case_event_significant_items i WHERE i.case_event_id = e.id)), ',' ORDER BY e.id), '')) AS digest
            FROM ccd.case_event e WHERE e.case_reference = c.reference
        ) h
        WHERE c.case_type_id = @case_type
        ORDER BY c.reference
        """;

    internal const int VerifyExamples = 10;

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
        var hasLeft = await left.ReadAsync(cancellationToken);
        var hasRight = await right.ReadAsync(cancellationToken);
        while (hasLeft || hasRight)
        {
            var order = !hasLeft ? 1 : !hasRight ? -1 : left.GetInt64(0).CompareTo(right.GetInt64(0));
            if (order < 0)
            {
                result.Count(left, source: true);
                result.Missing.Note(left.GetInt64(0));
                hasLeft = await left.ReadAsync(cancellationToken);
            }
            else if (order > 0)
            {
                // A case only the store has (service-originated): reported, not a failure.
                result.Count(right, source: false);
                result.Extra++;
                hasRight = await right.ReadAsync(cancellationToken);
            }
            else
            {
                result.Count(left, source: true);
                result.Count(right, source: false);
                var same = left.GetString(1) == right.GetString(1) && left.GetInt64(2) == right.GetInt64(2) && left.GetString(3) == right.GetString(3);
                if (!same)
                {
                    result.Different.Note(left.GetInt64(0));
                }

                hasLeft = await left.ReadAsync(cancellationToken);
                hasRight = await right.ReadAsync(cancellationToken);
            }
        }

        return result;
    }

    private static NpgsqlCommand Command(NpgsqlDataSource dataSource, string sql, string caseType)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("case_type", NpgsqlDbType.Varchar) { TypedValue = caseType });
        return command;
    }

    /// <summary>The comparison of one case type.</summary>
    internal sealed class VerifyResult(string caseTypeId)
    {
        public string CaseTypeId { get; } = caseTypeId;

        public long SourceCases { get; private set; }

        public long TargetCases { get; private set; }

        public long SourceEvents { get; private set; }

        public long TargetEvents { get; private set; }

        public long Extra { get; set; }

        public Tally Missing { get; } = new();

        public Tally Different { get; } = new();

        public bool Passed => Missing.Total == 0 && Different.Total == 0;

        public void Count(NpgsqlDataReader row, bool source)
        {
            if (source)
            {
                SourceCases++;
                SourceEvents += row.GetInt64(2);
            }
            else
            {
                TargetCases++;
                TargetEvents += row.GetInt64(2);
            }
        }

    }

    /// <summary>How many cases, with the first few references as examples.</summary>
    internal sealed class Tally
    {
        public long Total { get; set; }

        public List<long> Examples { get; } = [];

        public void Note(long reference)
        {
            Total++;
            if (Examples.Count < VerifyExamples)
            {
                Examples.Add(reference);
            }
        }
    }
}
