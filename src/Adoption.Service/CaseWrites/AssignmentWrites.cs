using Adoption.Service.Access;
using Ccd.Runtime.Problems;
using NpgsqlTypes;

namespace Adoption.Service.CaseWrites;

/// <summary>Assigning users to a case and revoking them; revoked assignments stay as history.</summary>
internal static class AssignmentWrites
{
    private const string ActiveExistsSql = """
        SELECT EXISTS (SELECT 1 FROM adoption.case_assignments WHERE case_id = @case_id AND user_id = @user_id AND revoked_at IS NULL)
        """;

    private const string InsertSql = $"""
        INSERT INTO adoption.case_assignments (id, case_id, user_id, role, assigned_at, assigned_by)
        VALUES (@id, @case_id, @user_id, @role, @now, @caller_id)
        RETURNING {AssignmentView.Columns}
        """;

    // The case join carries the access predicate, so the statement itself refuses a case the caller may not manage.
    private const string RevokeSql = $"""
        UPDATE adoption.case_assignments a
        SET revoked_at = @now, revoked_by = @caller_id
        FROM adoption.cases c
        WHERE a.id = @assignment_id AND a.case_id = @case_id AND a.revoked_at IS NULL
          AND c.id = a.case_id AND {CaseAccessSql.Visible} AND {CaseAccessSql.MayManage}
        RETURNING a.user_id, a.role
        """;

    public static async Task<AssignmentView> AssignAsync(AdoptionWriteContext write, Guid caseId, string userId, string role)
    {
        var locked = await LockedCase.LockAsync(write, caseId);
        if (!locked.Can.MayManage)
        {
            throw CaseCapabilities.Forbidden("assign users");
        }

        await using (var exists = write.Command(ActiveExistsSql))
        {
            exists.Parameters.AddWithValue("case_id", caseId);
            exists.Parameters.AddWithValue("user_id", userId);
            if ((bool)(await exists.ExecuteScalarAsync(write.CancellationToken))!)
            {
                throw new ProblemException(409, "already-assigned", "The user is already assigned.",
                    $"'userId' {userId} is already actively assigned to this case; revoke that assignment first.",
                    new Dictionary<string, object?> { ["field"] = "userId" });
            }
        }

        return await InsertAsync(write, caseId, userId, role);
    }

    /// <summary>Inserts an assignment and its audit row (also used when an adopter applies and is assigned to its case).</summary>
    public static async Task<AssignmentView> InsertAsync(AdoptionWriteContext write, Guid caseId, string userId, string role)
    {
        AssignmentView view;
        await using (var insert = write.Command(InsertSql))
        {
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
            insert.Parameters.AddWithValue("case_id", caseId);
            insert.Parameters.AddWithValue("user_id", userId);
            insert.Parameters.AddWithValue("role", role);
            insert.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await using var reader = await insert.ExecuteReaderAsync(write.CancellationToken);
            await reader.ReadAsync(write.CancellationToken);
            view = AssignmentView.Read(reader);
        }

        write.Audit("assignment.created", "assignment", view.Id, caseId, new Dictionary<string, object?> { ["userId"] = userId, ["role"] = role });
        return view;
    }

    public static async Task RevokeAsync(AdoptionWriteContext write, Guid caseId, Guid assignmentId)
    {
        var locked = await LockedCase.LockAsync(write, caseId);
        if (!locked.Can.MayManage)
        {
            throw CaseCapabilities.Forbidden("revoke assignments");
        }

        await using var revoke = write.Command(RevokeSql);
        revoke.Parameters.AddWithValue("case_id", caseId);
        revoke.Parameters.AddWithValue("assignment_id", assignmentId);
        revoke.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
        await using var reader = await revoke.ExecuteReaderAsync(write.CancellationToken);
        if (!await reader.ReadAsync(write.CancellationToken))
        {
            throw ProblemException.NotFound($"No active assignment {assignmentId} on case {caseId}.");
        }

        write.Audit("assignment.revoked", "assignment", assignmentId, caseId,
            new Dictionary<string, object?> { ["userId"] = reader.GetString(0), ["role"] = reader.GetString(1) });
    }
}
