using Adoption.Service.Access;
using Adoption.Service.Hearings;
using Ccd.Runtime.Problems;
using NpgsqlTypes;

namespace Adoption.Service.CaseWrites;

/// <summary>
/// Moves a case along its lifecycle. Managers may make any allowed transition; a judge of the case's court only
/// HEARING → ORDER_MADE. The same rules serve the REST API and the A58 events from CCD. A move to HEARING lists
/// the hearing: it stores the hearing date and enqueues the notice to the assigned social workers, in the write's
/// transaction.
/// </summary>
internal static class ChangeStatus
{
    private const string UpdateSql = $"""
        UPDATE adoption.cases c
        SET status = @status, version = c.version + 1, updated_at = @now, updated_by = @caller_id,
            hearing_date = CASE WHEN @status = '{nameof(AdoptionState.HEARING)}' THEN @hearing_date ELSE c.hearing_date END
        WHERE c.id = @id AND c.version = @version AND {CaseAccessSql.Visible}
          AND ({CaseAccessSql.MayManage} OR ({CaseAccessSql.MayJudge} AND c.status = '{nameof(AdoptionState.HEARING)}' AND @status = '{nameof(AdoptionState.ORDER_MADE)}'))
        RETURNING {CaseRecord.Columns}
        """;

    /// <summary>
    /// Checks role and lifecycle under the lock, then the hearing date (<paramref name="hearing"/>, for a move to
    /// HEARING: null lists it without a date). A null version skips the optimistic check (CCD events, checked by the runtime).
    /// </summary>
    public static async Task<CaseRecord> ExecuteAsync(AdoptionWriteContext write, Guid id, AdoptionState target, int? expectedVersion, HearingDateCheck? hearing = null)
    {
        var locked = await LockedCase.LockAsync(write, id);
        var current = locked.Case;
        var judgeMayDoIt = locked.Can.MayJudge && current.Status == AdoptionState.HEARING && target == AdoptionState.ORDER_MADE;
        if (!locked.Can.MayManage && !judgeMayDoIt)
        {
            throw CaseCapabilities.Forbidden($"move the case to {target}");
        }

        if (expectedVersion is { } expected)
        {
            locked.ExpectVersion(expected);
        }

        if (!CaseLifecycle.IsAllowed(current.Status, target))
        {
            throw InvalidTransition(current.Status, target);
        }

        // After the role and lifecycle checks, so a user who may not list the hearing hears that first.
        var hearingDate = HearingDate(target, hearing);

        CaseRecord updated;
        await using (var update = write.Command(UpdateSql))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("version", current.Version);
            update.Parameters.AddWithValue("status", NpgsqlDbType.Varchar, target.ToString());
            update.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            update.Parameters.AddWithValue("hearing_date", NpgsqlDbType.Date, (object?)hearingDate ?? DBNull.Value);
            await using var reader = await update.ExecuteReaderAsync(write.CancellationToken);
            await reader.ReadAsync(write.CancellationToken);
            updated = CaseRecord.Read(reader);
        }

        write.NewState = updated.Status;

        var details = new Dictionary<string, object?> { ["from"] = current.Status.ToString(), ["to"] = target.ToString() };
        if (target == AdoptionState.HEARING)
        {
            details[HearingDateRule.Field] = hearingDate is { } listed ? HearingDateRule.Format(listed) : null;
        }

        write.Audit("case.status-changed", "case", id, id, details);
        if (target == AdoptionState.HEARING)
        {
            HearingListedJob.Enqueue(write.Event, id, hearingDate);
        }

        return updated;
    }

    private static DateOnly? HearingDate(AdoptionState target, HearingDateCheck? hearing)
    {
        if (hearing is null)
        {
            return null;
        }

        if (target != AdoptionState.HEARING)
        {
            throw ProblemException.BadRequest(HearingDateRule.Field, $"'{HearingDateRule.Field}' is only given when the case moves to {AdoptionState.HEARING}.");
        }

        return hearing.Errors.Count > 0 ? throw ProblemException.BadRequest(HearingDateRule.Field, hearing.Errors[0]) : hearing.Date;
    }

    public static ProblemException InvalidTransition(AdoptionState from, AdoptionState to)
    {
        var allowed = CaseLifecycle.AllowedTargets(from).Select(state => state.ToString()).ToList();
        var detail = allowed.Count == 0
            ? $"A case in {from} cannot change status; {to} is not allowed."
            : $"A case in {from} can move to {string.Join(" or ", allowed)}, not {to}.";
        return new ProblemException(422, "invalid-transition", "The status change is not allowed.", detail,
            new Dictionary<string, object?> { ["field"] = "status", ["currentStatus"] = from.ToString(), ["allowedTargets"] = allowed });
    }
}
