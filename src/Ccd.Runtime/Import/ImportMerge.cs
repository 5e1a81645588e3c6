using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Import;

/// <summary>
/// Writes one staged batch into the <c>ccd</c> tables, idempotently: events by CCD's event id, items by CCD's item
/// id, cases by reference (rewritten only when their content differs).
/// </summary>
/// <remarks>
/// Revisions (SPEC 2.4): history rows take the case's current revision plus 1, 2, ... in CCD id order, so a case
/// imported in one go has history revisions 1..n; the case's revision becomes the larger of its last history
/// revision and CCD's <c>version</c> (CCD compares our revision with the version it holds, so ours must not be
/// lower), and never goes down. The next live event then raises it by exactly one.
/// </remarks>
internal static class ImportMerge
{
    // A case the store holds that import did not leave at its current revision has moved on (live events or a
    // service's own case since the switch): CCD's row is stale for it, so nothing of it is written.
    private const string MovedOnSql = """
        WITH moved AS (
            SELECT s.reference FROM import_case s
            JOIN ccd.case_data t ON t.reference = s.reference
            LEFT JOIN ccd.import_cases i ON i.reference = s.reference
            WHERE i.reference IS NULL OR t.revision > i.revision
        ), cases AS (
            DELETE FROM import_case s USING moved m WHERE s.reference = m.reference RETURNING s.reference
        ), events AS (
            DELETE FROM import_event e USING moved m WHERE e.case_reference = m.reference RETURNING e.id
        ), items AS (
            DELETE FROM import_item i USING events e WHERE i.case_event_id = e.id
        )
        SELECT reference FROM cases ORDER BY reference
        """;

    // A row that breaks one of the store's rules is named before anything is written, with its case.
    private const string InvalidSql = """
        SELECT s.reference, 'its reference is not 16 digits' FROM import_case s WHERE s.reference NOT BETWEEN 1000000000000000 AND 9999999999999999
        UNION ALL SELECT s.reference, 'its data is not a JSON object' FROM import_case s WHERE jsonb_typeof(s.data) <> 'object'
        UNION ALL SELECT s.reference, 'its data_classification is not a JSON object' FROM import_case s WHERE jsonb_typeof(s.data_classification) <> 'object'
        UNION ALL SELECT s.reference, 'its supplementary_data is not a JSON object' FROM import_case s WHERE jsonb_typeof(s.supplementary_data) <> 'object'
        UNION ALL SELECT e.case_reference, 'the data of its event ' || e.id || ' is not a JSON object' FROM import_event e WHERE jsonb_typeof(e.data) <> 'object'
        LIMIT 1
        """;

    // Per case: the revision its new history continues from, and how many of its staged events are new.
    private const string PlanSql = """
        CREATE TEMP TABLE import_plan ON COMMIT DROP AS
        SELECT s.reference, coalesce(t.revision, 0) AS base,
               (SELECT count(*) FROM import_event e
                WHERE e.case_reference = s.reference AND NOT EXISTS (SELECT 1 FROM ccd.case_event x WHERE x.id = e.id)) AS fresh
        FROM import_case s LEFT JOIN ccd.case_data t ON t.reference = s.reference
        """;

    // An id held by another case's history means the store's own sequence has handed out CCD's ids: refuse.
    private const string CollisionSql = """
        SELECT e.id FROM import_event e JOIN ccd.case_event x ON x.id = e.id WHERE x.case_reference <> e.case_reference LIMIT 1
        """;

    // Bulk work is queued behind live work (a few minutes ahead), so live changes are indexed first.
    private const string CasesSql = """
        WITH written AS (
            INSERT INTO ccd.case_data AS t (reference, id, jurisdiction, case_type_id, state, data, data_classification, supplementary_data,
                security_classification, version, revision, resolved_ttl, created_date, last_modified, last_state_modified_date)
            SELECT s.reference, s.id, s.jurisdiction, s.case_type_id, s.state, s.data, s.data_classification, s.supplementary_data,
                   s.security_classification::ccd.security_classification, s.version, greatest(p.base + p.fresh, s.version, 1),
                   s.resolved_ttl, s.created_date, s.last_modified, s.last_state_modified_date
            FROM import_case s JOIN import_plan p ON p.reference = s.reference
            ON CONFLICT (reference) DO UPDATE
            SET id = EXCLUDED.id, jurisdiction = EXCLUDED.jurisdiction, case_type_id = EXCLUDED.case_type_id, state = EXCLUDED.state,
                data = EXCLUDED.data, data_classification = EXCLUDED.data_classification, supplementary_data = EXCLUDED.supplementary_data,
                security_classification = EXCLUDED.security_classification, version = EXCLUDED.version,
                revision = greatest(t.revision, EXCLUDED.revision), resolved_ttl = EXCLUDED.resolved_ttl,
                created_date = EXCLUDED.created_date, last_modified = EXCLUDED.last_modified,
                last_state_modified_date = EXCLUDED.last_state_modified_date
            WHERE (t.id, t.jurisdiction, t.case_type_id, t.state, t.data, t.data_classification, t.supplementary_data,
                   t.security_classification, t.version, t.revision, t.resolved_ttl, t.created_date, t.last_modified, t.last_state_modified_date)
                IS DISTINCT FROM
                  (EXCLUDED.id, EXCLUDED.jurisdiction, EXCLUDED.case_type_id, EXCLUDED.state, EXCLUDED.data, EXCLUDED.data_classification,
                   EXCLUDED.supplementary_data, EXCLUDED.security_classification, EXCLUDED.version, greatest(t.revision, EXCLUDED.revision),
                   EXCLUDED.resolved_ttl, EXCLUDED.created_date, EXCLUDED.last_modified, EXCLUDED.last_state_modified_date)
            RETURNING t.reference, t.revision
        ), queued AS (
            INSERT INTO ccd.es_queue AS q (reference, case_revision, enqueued_at)
            SELECT reference, revision, @bulk_at FROM written
            ON CONFLICT (reference) DO UPDATE
            SET case_revision = greatest(q.case_revision, EXCLUDED.case_revision), enqueued_at = least(q.enqueued_at, EXCLUDED.enqueued_at)
        ), imported AS (
            INSERT INTO ccd.import_cases AS i (reference, case_type_id, revision, imported_at)
            SELECT w.reference, s.case_type_id, w.revision, @now FROM written w JOIN import_case s ON s.reference = w.reference
            ON CONFLICT (reference) DO UPDATE SET revision = EXCLUDED.revision, imported_at = EXCLUDED.imported_at
            RETURNING i.reference, (xmax = 0) AS first
        )
        SELECT w.reference, coalesce(i.first, false) FROM written w LEFT JOIN imported i ON i.reference = w.reference
        """;

    // The case's latest new event carries the case's CCD version; earlier ones the smaller of their revision and it
    // (CCD keeps no per-event version).
    private const string EventsSql = """
        INSERT INTO ccd.case_event (id, case_reference, case_revision, case_version, event_id, event_name, summary, description,
            user_id, user_first_name, user_last_name, proxied_by, proxied_by_first_name, proxied_by_last_name, created_date,
            case_type_id, case_type_version, state_id, state_name, data, data_classification, security_classification)
        SELECT n.id, n.case_reference, n.base + n.rn,
               CASE WHEN n.rn = n.fresh THEN n.version ELSE least(n.base + n.rn, n.version) END,
               n.event_id, n.event_name, n.summary, n.description, n.user_id, n.user_first_name, n.user_last_name,
               n.proxied_by, n.proxied_by_first_name, n.proxied_by_last_name, n.created_date, n.case_type_id, n.case_type_version,
               n.state_id, n.state_name, n.data, n.data_classification, n.security_classification::ccd.security_classification
        FROM (
            SELECT e.*, p.base, p.fresh, s.version,
                   row_number() OVER (PARTITION BY e.case_reference ORDER BY e.id) AS rn
            FROM import_event e
            JOIN import_plan p ON p.reference = e.case_reference
            JOIN import_case s ON s.reference = e.case_reference
            WHERE NOT EXISTS (SELECT 1 FROM ccd.case_event x WHERE x.id = e.id)
        ) n
        ON CONFLICT (id) DO NOTHING
        """;

    // CCD allows a null URL; ours is required, so an absent one is stored empty. An event holds at most one item
    // (migration 0070): where CCD's rows have several, the newest is the one its history showed, as in 0070.
    private const string ItemsSql = """
        INSERT INTO ccd.case_event_significant_items (id, case_event_id, type, description, url)
        SELECT DISTINCT ON (i.case_event_id)
               i.id, i.case_event_id, i.type::ccd.significant_item_type, left(i.description, 64), coalesce(i.url, '')
        FROM import_item i
        WHERE EXISTS (SELECT 1 FROM ccd.case_event x WHERE x.id = i.case_event_id)
        ORDER BY i.case_event_id, i.id DESC
        ON CONFLICT DO NOTHING
        """;

    // Live events and items must never be handed an id CCD already used: move both sequences past the imported
    // ids, never backwards (another transaction may hold a higher value).
    private const string SequencesSql = """
        SELECT setval(s.seq, greatest((SELECT coalesce(max(id), 1) FROM import_event), coalesce(q.last_value, 1)))
        FROM (SELECT pg_get_serial_sequence('ccd.case_event', 'id') AS seq) s
        LEFT JOIN pg_sequences q ON format('%I.%I', q.schemaname, q.sequencename) = s.seq;
        SELECT setval(s.seq, greatest((SELECT coalesce(max(id), 1) FROM import_item), coalesce(q.last_value, 1)))
        FROM (SELECT pg_get_serial_sequence('ccd.case_event_significant_items', 'id') AS seq) s
        LEFT JOIN pg_sequences q ON format('%I.%I', q.schemaname, q.sequencename) = s.seq;
        """;

    /// <summary>Merges the staged batch (<see cref="MergeResult"/>).</summary>
    public static async Task<MergeResult> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime now, CancellationToken cancellationToken)
    {
        var movedOn = await ReferencesAsync(connection, transaction, MovedOnSql, null, cancellationToken);
        await using (var invalid = new NpgsqlCommand(InvalidSql, connection, transaction))
        await using (var reader = await invalid.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                throw new ImportException($"Case {reader.GetInt64(0)} cannot be imported: {reader.GetString(1)}.");
            }
        }

        await ExecuteAsync(connection, transaction, PlanSql, cancellationToken);
        await using (var collision = new NpgsqlCommand(CollisionSql, connection, transaction))
        {
            if (await collision.ExecuteScalarAsync(cancellationToken) is long id)
            {
                throw new InvalidOperationException(
                    $"CCD event id {id} is already used by another case's history in this store. Move the store's ccd.case_event id " +
                    "sequence past CCD's highest event id before importing (docs/operations.md, import runbook).");
            }
        }

        var cases = new List<long>();
        var firstImports = 0;
        await using (var write = new NpgsqlCommand(CasesSql, connection, transaction))
        {
            write.Parameters.Add(new NpgsqlParameter<DateTime>("bulk_at", NpgsqlDbType.Timestamp) { TypedValue = now.AddMinutes(5) });
            write.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                cases.Add(reader.GetInt64(0));
                firstImports += reader.GetBoolean(1) ? 1 : 0;
            }
        }

        var events = await ExecuteAsync(connection, transaction, EventsSql, cancellationToken);
        await ExecuteAsync(connection, transaction, ItemsSql, cancellationToken);
        await ExecuteAsync(connection, transaction, SequencesSql, cancellationToken);
        return new MergeResult(cases, firstImports, events, movedOn);
    }

    private static async Task<List<long>> ReferencesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Action<NpgsqlCommand>? parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        parameters?.Invoke(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var references = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            references.Add(reader.GetInt64(0));
        }

        return references;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// One merged batch: the cases written (new or changed), how many of them were imported for the first time, the
/// events added, and the cases skipped because the store's copy moved on since import.
/// </summary>
internal sealed record MergeResult(IReadOnlyList<long> Cases, int NewCases, int Events, IReadOnlyList<long> MovedOn);
