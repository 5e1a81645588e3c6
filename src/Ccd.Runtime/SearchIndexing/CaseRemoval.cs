using Ccd.Runtime.Database;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// The runtime's one call for a case that disappears: a service's soft delete, or the retention disposal of a
/// case. It marks the case removed and queues the deletion of its documents from the case type's index and
/// from <c>global_search</c>; the indexer sends the deletes.
/// </summary>
internal static class CaseRemoval
{
    // One statement, so the removal mark, the tombstone and the queue row are one change. The revision moves
    // on so the delete carries a version above every revision ever indexed for the case, and an older index
    // request still in flight can never bring the document back (external_gte). The tombstone keeps the index
    // and _id for when disposal deletes the case row itself.
    private const string Sql = """
        WITH removed AS (
            UPDATE ccd.case_data
            SET removed_at = coalesce(removed_at, @now), revision = revision + 1
            WHERE reference = @reference
            RETURNING reference, case_type_id, coalesce(id, reference) AS document_id, revision
        ), tombstone AS (
            INSERT INTO ccd.es_removed_cases (reference, case_type_id, document_id, case_revision, removed_at)
            SELECT reference, case_type_id, document_id, revision, @now FROM removed
            ON CONFLICT (reference) DO UPDATE
                SET case_type_id = EXCLUDED.case_type_id, document_id = EXCLUDED.document_id,
                    case_revision = EXCLUDED.case_revision, removed_at = EXCLUDED.removed_at
        )
        INSERT INTO ccd.es_queue AS q (reference, case_revision, enqueued_at)
        SELECT reference, revision, @now FROM removed
        ON CONFLICT (reference) DO UPDATE
            SET case_revision = greatest(q.case_revision, EXCLUDED.case_revision), enqueued_at = least(q.enqueued_at, EXCLUDED.enqueued_at)
        RETURNING reference
        """;

    /// <summary>
    /// Removes the case <paramref name="reference"/> from CCD's view and from the search indexes, inside the
    /// caller's transaction (so it commits or rolls back with the caller's own change): sets
    /// <c>ccd.case_data.removed_at</c> (kept if already set), moves the case's revision on by one, records
    /// where its documents live, and queues their deletion ahead of bulk re-index work.
    /// </summary>
    /// <remarks>
    /// Soft delete calls it and keeps the row. Disposal calls it and then deletes the case's rows in the same
    /// transaction: the deletion still reaches both indexes. Calling it again for a removed case is harmless.
    /// Callers that serialise work on a case should hold that case's lock, as for any event.
    /// </remarks>
    /// <param name="connection">The open connection of <paramref name="transaction"/>.</param>
    /// <param name="transaction">The caller's transaction; required so the removal cannot happen outside one.</param>
    /// <param name="reference">The 16-digit case reference.</param>
    /// <param name="time">The application's clock; the removal time is taken from it.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>True when the case existed and is now removed; false when no case has that reference.</returns>
    public static async Task<bool> RemoveAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        long reference,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(time);
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = reference });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp)
        {
            TypedValue = DatabaseClock.Now(time),
        });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
