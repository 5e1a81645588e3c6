using Adoption.Service.Access;
using NpgsqlTypes;

namespace Adoption.Service.CaseWrites;

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

        locked.ExpectVersion(expectedVersion);

        await using (var delete = write.Command(DeleteSql))
        {
            delete.Parameters.AddWithValue("id", id);
            delete.Parameters.AddWithValue("version", expectedVersion);
            delete.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await delete.ExecuteNonQueryAsync(write.CancellationToken);
        }

        write.Audit("case.deleted", "case", id, id,
            new Dictionary<string, object?> { ["caseNumber"] = locked.Case.CaseNumber, ["version"] = expectedVersion });

        // The runtime removes the case in the same transaction, once the event is written: CCD reads stop serving it
        // and its search documents are queued for deletion.
        write.RemoveCase = true;
    }
}
