using Adoption.Service.Access;
using Ccd.Runtime.Problems;

namespace Adoption.Service.CaseWrites;

/// <summary>
/// A case locked for a write, found through the visibility predicate and carrying the capabilities the database
/// computed for the caller. Zero rows is a 404 whether the case does not exist, is deleted or is invisible. A case
/// CCD has agreed to dispose of (PendingDisposal) takes no more writes: a 422, before anything is checked or written.
/// </summary>
internal sealed record LockedCase(CaseRecord Case, CaseCapabilities Can)
{
    private const string LockSql = $"""
        SELECT {CaseRecord.Columns}, {CaseAccessSql.Capabilities}
        FROM adoption.cases c
        WHERE c.id = @id AND {CaseAccessSql.Visible}
        FOR UPDATE OF c
        """;

    public static async Task<LockedCase> LockAsync(AdoptionWriteContext write, Guid id)
    {
        await using var command = write.Command(LockSql);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(write.CancellationToken);
        if (!await reader.ReadAsync(write.CancellationToken))
        {
            throw NotFound(id);
        }

        var locked = new LockedCase(CaseRecord.Read(reader), CaseCapabilities.Read(reader, CaseRecord.ColumnCount));
        return locked.Case.Status == AdoptionState.PendingDisposal ? throw PendingDisposal(locked.Case) : locked;
    }

    private static ProblemException PendingDisposal(CaseRecord locked) => new(
        422, "case-pending-disposal", "The case is pending disposal.",
        $"Case {locked.CaseNumber} is {AdoptionState.PendingDisposal}: its record period has ended and it is being disposed of, so it cannot change.",
        new Dictionary<string, object?> { ["currentStatus"] = locked.Status.ToString() });

    public static ProblemException NotFound(Guid id) => ProblemException.NotFound($"No case {id} that you can see.");

    /// <summary>The optimistic check of a REST write: 409 carrying the version the caller should re-read.</summary>
    public void ExpectVersion(int expected)
    {
        if (Case.Version != expected)
        {
            throw ProblemException.Conflict(
                $"The case is at version {Case.Version}, not {expected}: someone changed it since you read it. Read it again and retry.",
                new Dictionary<string, object?> { ["currentVersion"] = Case.Version });
        }
    }
}
