using Ccd.Runtime.Problems;
using NpgsqlTypes;

namespace Adoption.Service.CaseWrites;

/// <summary>
/// The adoption side of CCD's retain-and-dispose events. <c>MarkForDisposal</c> moves the case into
/// <see cref="AdoptionState.PendingDisposal"/>; <c>ConfirmDisposal</c> keeps it there (CCD sets its disposal TTL with
/// the event). Retention's system user sees no court and is assigned to nothing, so the case is found by its
/// reference, not through the visibility predicate: CCD has already checked the user's grant on the event, and the
/// handler the user's role.
/// </summary>
internal static class DisposalWrites
{
    private const string LockSql = $"""
        SELECT {CaseRecord.Columns} FROM adoption.cases c
        WHERE c.ccd_reference = @reference AND c.deleted_at IS NULL
        FOR UPDATE OF c
        """;

    private const string ExistsSql = "SELECT EXISTS (SELECT 1 FROM adoption.cases WHERE ccd_reference = @reference AND deleted_at IS NULL)";

    private const string MarkSql = $"""
        UPDATE adoption.cases c SET status = '{nameof(AdoptionState.PendingDisposal)}', version = c.version + 1, updated_at = @now, updated_by = @caller_id
        WHERE c.id = @id
        """;

    /// <summary>
    /// False for a case the service never wrote (imported from CCD, history only): it has no rows here to move, so
    /// the event changes only CCD's state.
    /// </summary>
    public static async Task<bool> HasServiceRowsAsync(Ccd.Runtime.CaseTypes.EventContext context, CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand(ExistsSql, context.Connection, context.Transaction);
        command.Parameters.AddWithValue("reference", context.Reference);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary><c>MarkForDisposal</c>: any state but PendingDisposal moves into it.</summary>
    public static async Task MarkAsync(AdoptionWriteContext write)
    {
        var current = await LockAsync(write);
        if (current.Status == AdoptionState.PendingDisposal)
        {
            throw Refused($"Case {current.CaseNumber} is already {AdoptionState.PendingDisposal}.");
        }

        await using (var update = write.Command(MarkSql))
        {
            update.Parameters.AddWithValue("id", current.Id);
            update.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await update.ExecuteNonQueryAsync(write.CancellationToken);
        }

        write.NewState = AdoptionState.PendingDisposal;
        write.Audit("case.marked-for-disposal", "case", current.Id, current.Id,
            new Dictionary<string, object?> { ["from"] = current.Status.ToString(), ["to"] = nameof(AdoptionState.PendingDisposal) });
    }

    /// <summary><c>ConfirmDisposal</c>: only on a PendingDisposal case, which it leaves there; the audit row records CCD's disposal TTL.</summary>
    public static async Task ConfirmAsync(AdoptionWriteContext write, string systemTtl)
    {
        var current = await LockAsync(write);
        if (current.Status != AdoptionState.PendingDisposal)
        {
            throw Refused($"Case {current.CaseNumber} is {current.Status}: only a {AdoptionState.PendingDisposal} case has its disposal confirmed.");
        }

        write.NewState = AdoptionState.PendingDisposal;
        write.Audit("case.disposal-confirmed", "case", current.Id, current.Id, new Dictionary<string, object?> { ["systemTtl"] = systemTtl });
    }

    private static async Task<CaseRecord> LockAsync(AdoptionWriteContext write)
    {
        await using var command = write.Command(LockSql);
        command.Parameters.AddWithValue("reference", write.Reference);
        await using var reader = await command.ExecuteReaderAsync(write.CancellationToken);
        return await reader.ReadAsync(write.CancellationToken)
            ? CaseRecord.Read(reader)
            : throw ProblemException.NotFound($"Case {write.Reference} has no adoption case.");
    }

    private static ProblemException Refused(string detail) => new(422, "invalid-transition", "The status change is not allowed.", detail);
}
