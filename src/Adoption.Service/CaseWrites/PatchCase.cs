using Adoption.Service.Access;
using Ccd.Runtime.Problems;
using NpgsqlTypes;

namespace Adoption.Service.CaseWrites;

/// <summary>
/// A change of the applicant and child fields (the REST API's JSON merge patch, RFC 7396): unset members stay,
/// a null optional field is cleared. <see cref="Refused"/> is the problem with the first member the client got
/// wrong: the write answers it once the case is found and checked, so a caller hears first of what it may not do.
/// </summary>
internal sealed record CasePatch(
    Change<string> ApplicantName,
    Change<string?> ApplicantEmail,
    Change<string?> ApplicantPhone,
    Change<string> ChildName,
    Change<DateOnly?> ChildDateOfBirth,
    ProblemException? Refused)
{
    /// <summary>The case after the patch.</summary>
    public CaseRecord ApplyTo(CaseRecord current) =>
        Refused is { } refused
            ? throw refused
            : current with
            {
                ApplicantName = ApplicantName.Or(current.ApplicantName),
                ApplicantEmail = ApplicantEmail.Or(current.ApplicantEmail),
                ApplicantPhone = ApplicantPhone.Or(current.ApplicantPhone),
                ChildName = ChildName.Or(current.ChildName),
                ChildDateOfBirth = ChildDateOfBirth.Or(current.ChildDateOfBirth),
            };
}

internal static class PatchCase
{
    private const string UpdateSql = $"""
        UPDATE adoption.cases c
        SET applicant_name = @applicant_name, applicant_email = @applicant_email, applicant_phone = @applicant_phone,
            child_name = @child_name, child_date_of_birth = @child_date_of_birth,
            version = c.version + 1, updated_at = @now, updated_by = @caller_id
        WHERE c.id = @id AND c.version = @version AND {CaseAccessSql.Visible} AND {CaseAccessSql.MayManage}
        RETURNING {CaseRecord.Columns}
        """;

    public static async Task<CaseRecord> ExecuteAsync(AdoptionWriteContext write, Guid id, CasePatch patch, int expectedVersion)
    {
        var locked = await LockedCase.LockAsync(write, id);
        if (!locked.Can.MayManage)
        {
            throw CaseCapabilities.Forbidden("change the case details");
        }

        locked.ExpectVersion(expectedVersion);
        var next = patch.ApplyTo(locked.Case);
        var changes = Changes(locked.Case, next);
        if (changes.Count == 0)
        {
            write.Unchanged = true;
            return locked.Case; // nothing to change: no new version, no audit row, no event
        }

        CaseRecord updated;
        await using (var update = write.Command(UpdateSql))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("version", expectedVersion);
            update.Parameters.AddWithValue("applicant_name", next.ApplicantName);
            update.Parameters.AddWithValue("applicant_email", NpgsqlDbType.Varchar, (object?)next.ApplicantEmail ?? DBNull.Value);
            update.Parameters.AddWithValue("applicant_phone", NpgsqlDbType.Varchar, (object?)next.ApplicantPhone ?? DBNull.Value);
            update.Parameters.AddWithValue("child_name", next.ChildName);
            update.Parameters.AddWithValue("child_date_of_birth", NpgsqlDbType.Date, (object?)next.ChildDateOfBirth ?? DBNull.Value);
            update.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await using var reader = await update.ExecuteReaderAsync(write.CancellationToken);
            await reader.ReadAsync(write.CancellationToken);
            updated = CaseRecord.Read(reader);
        }

        write.Audit("case.updated", "case", id, id, changes);
        return updated;
    }

    private static Dictionary<string, object?> Changes(CaseRecord before, CaseRecord after)
    {
        var changes = new Dictionary<string, object?>();
        void Compare(string field, object? from, object? to)
        {
            if (!Equals(from, to))
            {
                changes[field] = new Dictionary<string, object?> { ["from"] = from, ["to"] = to };
            }
        }

        Compare("applicantName", before.ApplicantName, after.ApplicantName);
        Compare("applicantEmail", before.ApplicantEmail, after.ApplicantEmail);
        Compare("applicantPhone", before.ApplicantPhone, after.ApplicantPhone);
        Compare("childName", before.ChildName, after.ChildName);
        Compare("childDateOfBirth", before.ChildDateOfBirth, after.ChildDateOfBirth);
        return changes;
    }
}
