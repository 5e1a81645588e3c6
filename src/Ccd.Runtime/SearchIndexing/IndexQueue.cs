using Ccd.Runtime.Workers;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>The indexer's statements on <c>ccd.es_queue</c>: claim a batch under a lease (a row of <c>ccd.es_queue_leases</c>), and complete it in one round trip.</summary>
internal static class IndexQueue
{
    // Claims are serialised, so that each sees every earlier claim's lease: the lock is taken by a statement of its
    // own, before the claim's, because a statement's snapshot is taken before it runs (a claim that waited for the
    // lock inside its own statement would not see the lease the previous holder just committed). It is held until
    // the claim commits, a few milliseconds; the two-key form keeps it apart from the case locks' bigint keys.
    private const string ClaimLockSql = "SELECT pg_advisory_xact_lock('ccd.es_queue_leases'::regclass::oid::integer, 0)";

    // One round trip claims and loads. A claim leases its batch with one row in ccd.es_queue_leases (migration 0093)
    // and writes nothing into the queue rows: a row is leased while its reference is in a lease that has not ended,
    // so a crashed indexer's rows return when its lease ends (the next claim then deletes that lease). The claim reads
    // no row locks either, so it never waits for a writer, and a writer never waits for it: a change committed after
    // the claim's snapshot leaves the row at its newer revision, which the completion keeps queued.
    // The case and its history row are read in the statement's one snapshot: the document's version is the
    // case row's revision and its data the latest history row at or below that revision, so version and
    // content always belong together (normally that revision is the queued one, since writers queue it in
    // the event's own transaction).
    // The leased references are one hashed set (NOT IN over a small subquery), probed per queue row the index scan
    // passes; each case row is read by a LIMIT 1 lateral lookup, so a claim costs index probes for its batch alone:
    // joined plainly, the planner hash-joined the whole queue and the whole case_data table on every pass while the
    // queue was long (P5, bench/indexing). The removal record is needed only for a case that is gone or removed: for
    // the others its lookup is skipped (a one-time filter of the lateral subquery, evaluated per row) instead of
    // probing the table's key for every case. Its LIMIT 1 (the reference is the key, so it changes no answer) keeps
    // the subquery from being flattened into the join, which turned the filter into a join filter evaluated after
    // scanning the table for every case (a seq scan per case while the table is empty, ~0.3 µs a case more).
    private const string ClaimSql = """
        WITH ended AS (
            DELETE FROM ccd.es_queue_leases WHERE locked_until <= @now
        ), due AS MATERIALIZED (
            SELECT q.reference, q.case_revision, q.enqueued_at FROM ccd.es_queue q
            WHERE (q.next_attempt_at IS NULL OR q.next_attempt_at <= @now)
              AND q.reference NOT IN (SELECT unnest(l.refs) FROM ccd.es_queue_leases l WHERE l.locked_until > @now)
            ORDER BY q.enqueued_at
            LIMIT @limit
        ), lease AS (
            INSERT INTO ccd.es_queue_leases (token, locked_until, refs)
            SELECT @token, @locked_until, array_agg(reference) FROM due HAVING count(*) > 0
        )
        SELECT c.reference, c.case_revision,
               d.reference IS NOT NULL, d.id, d.jurisdiction, d.case_type_id, d.state, d.security_classification::text,
               d.created_date, coalesce(d.last_modified, d.created_date), d.last_state_modified_date,
               d.supplementary_data::text, d.revision, d.removed_at IS NOT NULL,
               e.id, e.data::text,
               r.case_type_id, r.document_id, r.case_revision
        FROM due c
        LEFT JOIN LATERAL (
            SELECT cd.reference, cd.id, cd.jurisdiction, cd.case_type_id, cd.state, cd.security_classification, cd.created_date,
                   cd.last_modified, cd.last_state_modified_date, cd.supplementary_data, cd.revision, cd.removed_at
            FROM ccd.case_data cd WHERE cd.reference = c.reference
            LIMIT 1
        ) d ON true
        LEFT JOIN LATERAL (
            SELECT ev.id, ev.data FROM ccd.case_event ev
            WHERE ev.case_reference = c.reference AND ev.case_revision <= d.revision
            ORDER BY ev.case_revision DESC
            LIMIT 1
        ) e ON true
        LEFT JOIN LATERAL (
            SELECT rc.case_type_id, rc.document_id, rc.case_revision FROM ccd.es_removed_cases rc
            WHERE (d.reference IS NULL OR d.removed_at IS NOT NULL) AND rc.reference = c.reference
            LIMIT 1
        ) r ON true
        ORDER BY c.enqueued_at
        """;

    // Every statement that writes back what a pass did acts only while its lease is still there: a lease that ended
    // was deleted by the claim that took its rows over, and the late holder then leaves them to the new one. The
    // uncorrelated EXISTS is a one-time filter, checked once per statement.
    private const string Held = "EXISTS (SELECT FROM ccd.es_queue_leases l WHERE l.token = @token)";

    // A newer dead letter of the same case and index replaces the older one.
    private const string DeadLetterSql = """
        INSERT INTO ccd.es_dead_letter_queue AS dl (reference, case_revision, index_name, reason, created_at)
        SELECT * FROM unnest(@references, @revisions, @indexes, @reasons, @created_at)
        ON CONFLICT (reference, index_name) DO UPDATE
            SET case_revision = EXCLUDED.case_revision, reason = EXCLUDED.reason, created_at = EXCLUDED.created_at
            WHERE dl.case_revision <= EXCLUDED.case_revision
        """;

    // A success supersedes the dead letters of that case and index at or below the revision it carried. The
    // uncorrelated EXISTS is planned as a one-time filter, so while there are no dead letters at all (the usual
    // case) the statement stops there instead of probing the table's key for every document of the batch.
    private const string ClearDeadLettersSql = """
        DELETE FROM ccd.es_dead_letter_queue dl
        USING unnest(@references, @indexes, @revisions) AS s(reference, index_name, revision)
        WHERE EXISTS (SELECT FROM ccd.es_dead_letter_queue)
          AND dl.reference = s.reference AND dl.index_name = s.index_name AND dl.case_revision <= s.revision
        """;

    // Done only if the lease is still ours and no newer revision was queued while we worked: such a row stays queued,
    // and is claimable again once the lease row goes (EndLeaseSql, in the same transaction).
    private const string DeleteDoneSql = $"""
        DELETE FROM ccd.es_queue q
        USING unnest(@references, @revisions) AS s(reference, revision)
        WHERE {Held} AND q.reference = s.reference AND q.case_revision <= s.revision
        """;

    // Ends the lease: every row of the batch not deleted is claimable again at once (or after its back-off).
    private const string EndLeaseSql = "DELETE FROM ccd.es_queue_leases WHERE token = @token";

    // What DeleteDoneSql left behind moved on meanwhile: a success clears its failure count and back-off for the newer
    // revision. Run only when DeleteDoneSql deleted fewer rows than were done (and so only after earlier failures
    // does it change anything).
    private const string ResetMovedSql = """
        UPDATE ccd.es_queue SET attempts = 0, next_attempt_at = NULL, last_error = NULL
        WHERE reference = ANY(@references) AND (attempts <> 0 OR next_attempt_at IS NOT NULL OR last_error IS NOT NULL)
        """;

    // Per row, the pause after its (attempts + 1)-th failure in a row; @pauses_ms holds the runtime's one back-off
    // (Workers/Backoff) for each count, the last repeating once the cap is reached.
    private const string BackOffSql = $"""
        UPDATE ccd.es_queue q
        SET attempts = q.attempts + 1, last_error = s.error,
            next_attempt_at = @now + make_interval(secs => (@pauses_ms)[least(q.attempts + 1, cardinality(@pauses_ms))] / 1000.0)
        FROM unnest(@references, @errors) AS s(reference, error)
        WHERE {Held} AND q.reference = s.reference
        """;

    // A pass that failed as a whole hands its rows back at once (EndLeaseSql follows): the loop's supervisor paces the next try.
    private const string ReleaseFailedSql = $"""
        UPDATE ccd.es_queue q SET last_error = @error
        WHERE {Held} AND q.reference = ANY(@references)
        """;

    // When the next row becomes claimable: the end of a lease (one that ended is due now, its rows with it), or of a
    // back-off of a row no lease holds (-infinity: now).
    private const string NextDueSql = """
        SELECT least(
            (SELECT min(locked_until) FROM ccd.es_queue_leases),
            (SELECT min(coalesce(next_attempt_at, '-infinity')) FROM ccd.es_queue
             WHERE reference NOT IN (SELECT unnest(refs) FROM ccd.es_queue_leases)))
        """;

    public static async Task<IReadOnlyList<QueuedCase>> ClaimAsync(
        NpgsqlDataSource dataSource, Guid token, DateTime now, DateTime lockedUntil, int limit, CancellationToken cancellationToken)
    {
        // One batch is one implicit transaction: the lock, then the claim in a snapshot taken after it was granted.
        await using var batch = dataSource.CreateBatch();
        Add(batch, ClaimLockSql);
        var command = Add(batch, ClaimSql);
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("locked_until", NpgsqlDbType.Timestamp) { TypedValue = lockedUntil });
        command.Parameters.Add(new NpgsqlParameter<Guid>("token", NpgsqlDbType.Uuid) { TypedValue = token });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        var rows = new List<QueuedCase>(limit);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            CaseRow? row = null;
            if (reader.GetBoolean(2))
            {
                row = new CaseRow(
                    reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    reader.GetString(7),
                    reader.GetDateTime(8),
                    reader.GetDateTime(9),
                    reader.GetDateTime(10),
                    // The JSON texts are read as their UTF-8 bytes: they go into the documents as they are.
                    reader.GetFieldValue<byte[]>(11),
                    reader.GetInt32(12),
                    reader.GetBoolean(13));
            }

            var history = reader.IsDBNull(14) ? null : new HistoryRow(reader.GetInt64(14), reader.GetFieldValue<byte[]>(15));
            var removed = reader.IsDBNull(16) ? null : new RemovedCase(reader.GetString(16), reader.GetInt64(17), reader.GetInt32(18));
            rows.Add(new QueuedCase(reader.GetInt64(0), reader.GetInt32(1), row, history, removed));
        }

        return rows;
    }

    public static async Task CompleteAsync(NpgsqlDataSource dataSource, Guid token, BatchResult result, DateTime now, BackOff backOff, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        if (result.DeadLetters.Count > 0)
        {
            var command = Add(batch, DeadLetterSql);
            command.Parameters.Add(Array("references", NpgsqlDbType.Bigint, result.DeadLetters.Select(d => d.Reference)));
            command.Parameters.Add(Array("revisions", NpgsqlDbType.Integer, result.DeadLetters.Select(d => d.Revision)));
            command.Parameters.Add(Array("indexes", NpgsqlDbType.Varchar, result.DeadLetters.Select(d => d.Index)));
            command.Parameters.Add(Array("reasons", NpgsqlDbType.Text, result.DeadLetters.Select(d => d.Reason)));
            command.Parameters.Add(Array("created_at", NpgsqlDbType.Timestamp, result.DeadLetters.Select(_ => now)));
        }

        if (result.Successes.Count > 0)
        {
            var command = Add(batch, ClearDeadLettersSql);
            command.Parameters.Add(Array("references", NpgsqlDbType.Bigint, result.Successes.Select(s => s.Reference)));
            command.Parameters.Add(Array("indexes", NpgsqlDbType.Varchar, result.Successes.Select(s => s.Index)));
            command.Parameters.Add(Array("revisions", NpgsqlDbType.Integer, result.Successes.Select(s => s.Revision)));
        }

        NpgsqlBatchCommand? delete = null;
        if (result.Done.Count > 0)
        {
            delete = Add(batch, DeleteDoneSql);
            delete.Parameters.Add(Array("references", NpgsqlDbType.Bigint, result.Done.Select(d => d.Reference)));
            delete.Parameters.Add(Array("revisions", NpgsqlDbType.Integer, result.Done.Select(d => d.Revision)));
            delete.Parameters.Add(Token(token));
        }

        if (result.Retries.Count > 0)
        {
            var command = Add(batch, BackOffSql);
            command.Parameters.Add(Array("references", NpgsqlDbType.Bigint, result.Retries.Select(r => r.Reference)));
            command.Parameters.Add(Array("errors", NpgsqlDbType.Text, result.Retries.Select(r => r.Error)));
            command.Parameters.Add(Token(token));
            command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = now });
            command.Parameters.Add(Array("pauses_ms", NpgsqlDbType.Double, backOff.PausesInMilliseconds()));
        }

        Add(batch, EndLeaseSql).Parameters.Add(Token(token));
        // One batch is one implicit transaction: dead letters, clean-up, queue changes and the lease's end land together.
        await batch.ExecuteNonQueryAsync(cancellationToken);

        if (delete is not null && delete.RecordsAffected < result.Done.Count)
        {
            // Rarely needed, so a round trip of its own: until it runs (or if it never does) a moved row keeps the
            // failure count of its earlier revision, which only lengthens its next back-off.
            await using var reset = dataSource.CreateCommand(ResetMovedSql);
            reset.Parameters.Add(Array("references", NpgsqlDbType.Bigint, result.Done.Select(d => d.Reference)));
            await reset.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Hands claimed rows back, claimable at once, with the error of the pass that failed; rows no longer ours are left alone.</summary>
    public static async Task ReleaseAsync(NpgsqlDataSource dataSource, Guid token, IEnumerable<long> references, string error, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var command = Add(batch, ReleaseFailedSql);
        command.Parameters.Add(Array("references", NpgsqlDbType.Bigint, references));
        command.Parameters.Add(Token(token));
        command.Parameters.Add(new NpgsqlParameter<string>("error", NpgsqlDbType.Text) { TypedValue = error });
        Add(batch, EndLeaseSql).Parameters.Add(Token(token));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>When the next queued row becomes claimable (now or earlier when one is due), or null when the queue is empty.</summary>
    public static async Task<DateTime?> NextDueAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(NextDueSql);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime due ? due : null;
    }

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        batch.BatchCommands.Add(command);
        return command;
    }

    private static NpgsqlParameter<Guid> Token(Guid token) => new("token", NpgsqlDbType.Uuid) { TypedValue = token };

    private static NpgsqlParameter<T[]> Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new NpgsqlParameter<T[]>(name, NpgsqlDbType.Array | type) { TypedValue = values.ToArray() };
}

/// <summary>Back-off of a case after a transient failure: <see cref="Base"/> doubled per failure, at most <see cref="Max"/>.</summary>
internal readonly record struct BackOff(TimeSpan Base, TimeSpan Max)
{
    /// <summary>The pause after the 1st, 2nd, … failure in a row, up to the first that reaches the cap.</summary>
    public IEnumerable<double> PausesInMilliseconds()
    {
        for (var failures = 1; ; failures++)
        {
            var pause = Backoff.After(failures, Base, Max);
            yield return pause.TotalMilliseconds;
            if (pause >= Max || failures > 30)
            {
                yield break;
            }
        }
    }
}
