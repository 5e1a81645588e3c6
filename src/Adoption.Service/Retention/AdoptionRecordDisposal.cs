using System.Globalization;
using Adoption.Service.CaseWrites;
using Ccd.Runtime.Database;
using Ccd.Runtime.Retention;
using Npgsql;
using NpgsqlTypes;

namespace Adoption.Service.Retention;

/// <summary>
/// Disposes of an adoption case's own rows once its record period has ended, inside the runtime's disposal
/// transaction. The audit log is append-only and its rows point at the case row, so the case row stays as an
/// anonymised, soft-deleted stub (case number, court and status, no names or contact details) that the
/// untouched audit trail and the appended disposal row refer to; assignments, document metadata and the
/// notifications sent about the case go.
/// </summary>
internal static class AdoptionRecordDisposal
{
    /// <summary>Who the audit row and the case stub name as the actor.</summary>
    public const string Actor = "retention";

    /// <summary>What the names of a disposed case are replaced with (the columns may not be blank).</summary>
    public const string Anonymised = "disposed";

    // Locks the case row so no REST write slips in between the reads and the deletes.
    private const string FindSql = """
        SELECT id, case_number FROM adoption.cases WHERE ccd_reference = @reference FOR UPDATE
        """;

    private const string DeleteRowsSql = """
        WITH assignments AS (DELETE FROM adoption.case_assignments WHERE case_id = @id RETURNING 1),
             documents AS (DELETE FROM adoption.documents WHERE case_id = @id RETURNING 1),
             notifications AS (DELETE FROM adoption.notifications WHERE case_id = @id RETURNING 1)
        SELECT (SELECT count(*) FROM assignments), (SELECT count(*) FROM documents), (SELECT count(*) FROM notifications)
        """;

    // A soft delete keeps its original time and actor; the version moves on as for any write.
    private const string AnonymiseSql = """
        UPDATE adoption.cases
        SET applicant_name = @anonymised, applicant_email = NULL, applicant_phone = NULL,
            child_name = @anonymised, child_date_of_birth = NULL,
            deleted_at = coalesce(deleted_at, @now), deleted_by = coalesce(deleted_by, @actor),
            version = version + 1, updated_at = @now, updated_by = @actor
        WHERE id = @id
        """;

    /// <summary>Disposes of the rows of the case <paramref name="disposal"/> names; false when the service has none for it.</summary>
    public static async Task<bool> DisposeAsync(CaseDisposal disposal, DateTime keptFrom, string keptFromEvent, CancellationToken cancellationToken)
    {
        Guid id;
        string caseNumber;
        await using (var find = Command(disposal, FindSql))
        {
            find.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = disposal.Reference });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false; // a case CCD created and the service never wrote (imported history only)
            }

            (id, caseNumber) = (reader.GetGuid(0), reader.GetString(1));
        }

        var now = DatabaseClock.ToStored(disposal.Now.UtcDateTime);
        long assignments;
        long documents;
        long notifications;
        await using (var delete = Command(disposal, DeleteRowsSql))
        {
            delete.Parameters.AddWithValue("id", id);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (assignments, documents, notifications) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        await using (var anonymise = Command(disposal, AnonymiseSql))
        {
            anonymise.Parameters.AddWithValue("id", id);
            anonymise.Parameters.AddWithValue("anonymised", Anonymised);
            anonymise.Parameters.AddWithValue("actor", Actor);
            anonymise.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, now);
            await anonymise.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditLog.AppendAsync(disposal.Connection, disposal.Transaction, new AuditEntry(
            now, Actor, "case.disposed", "case", id, id,
            new Dictionary<string, object?>
            {
                ["caseNumber"] = caseNumber,
                ["keptFrom"] = keptFromEvent,
                ["keptFromDate"] = DateOnly.FromDateTime(keptFrom).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["retentionYears"] = A58RetentionPolicy.RetentionYears,
                ["resolvedTtl"] = disposal.ResolvedTtl.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["assignmentsDeleted"] = assignments,
                ["documentsDeleted"] = documents,
                ["notificationsDeleted"] = notifications,
            }), cancellationToken);
        return true;
    }

    private static NpgsqlCommand Command(CaseDisposal disposal, string sql) => new(sql, disposal.Connection, disposal.Transaction);
}
