using Adoption.Service.Access;
using Adoption.Service.Audit;
using Adoption.Service.CaseType;
using Adoption.Service.Http;
using NpgsqlTypes;

namespace Adoption.Service.Cases;

/// <summary>Soft delete: the row stays (and its audit trail), <c>deleted_at</c> hides it from every read.</summary>
internal static class DeleteCase
{
    private const string DeleteSql = $"""
        UPDATE adoption.cases c
        SET deleted_at = @now, deleted_by = @caller_id, version = c.version + 1, updated_at = @now, updated_by = @caller_id
        WHERE c.id = @id AND c.version = @version AND {CaseAccessSql.Visible} AND {CaseAccessSql.MayManage}
        """;

    public static async Task ExecuteAsync(AdoptionWriteContext write, Guid id, int expectedVersion)
    {
        var locked = await LockedCase.LockAsync(write, id);
        if (!locked.Can.MayManage)
        {
            throw CaseCapabilities.Forbidden("delete the case");
        }

        if (locked.Case.Version != expectedVersion)
        {
            throw Versions.Stale(expectedVersion, locked.Case.Version);
        }

        await using (var delete = write.Command(DeleteSql))
        {
            delete.Parameters.AddWithValue("id", id);
            delete.Parameters.AddWithValue("version", expectedVersion);
            delete.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await delete.ExecuteNonQueryAsync(write.CancellationToken);
        }

        await AuditLog.AppendAsync(write, new AuditEntry(
            write.Now, write.Caller.Id, "case.deleted", "case", id, id,
            new Dictionary<string, object?> { ["caseNumber"] = locked.Case.CaseNumber, ["version"] = expectedVersion }), write.CancellationToken);

        // The runtime removes the case in the same transaction, once the event is written: CCD reads stop serving it
        // and its search documents are queued for deletion.
        write.RemoveCase = true;
    }
}
