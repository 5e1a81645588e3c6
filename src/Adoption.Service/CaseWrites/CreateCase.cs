using System.Globalization;
using Adoption.Service.Access;
using Adoption.Service.CaseNumbers;
using Ccd.Runtime.Problems;
using NpgsqlTypes;

namespace Adoption.Service.CaseWrites;

/// <summary>A new application, its fields checked by <see cref="CaseInput"/>; it becomes the number, the case row, the adopter's own assignment and audit rows in the event's transaction.</summary>
internal sealed record CreateCaseRequest(
    string CourtCode,
    string ApplicantName,
    string? ApplicantEmail,
    string? ApplicantPhone,
    string ChildName,
    DateOnly? ChildDateOfBirth);

internal static class CreateCase
{
    private const string CourtExistsSql = "SELECT EXISTS (SELECT 1 FROM adoption.courts WHERE code = @code)";

    private const string InsertSql = $"""
        INSERT INTO adoption.cases AS c (id, case_number, court_code, case_year, case_sequence, ccd_reference, status,
            applicant_name, applicant_email, applicant_phone, child_name, child_date_of_birth,
            version, created_at, created_by, updated_at, updated_by)
        VALUES (@id, @case_number, @court_code, @case_year, @case_sequence, @ccd_reference, @status,
            @applicant_name, @applicant_email, @applicant_phone, @child_name, @child_date_of_birth,
            1, @now, @caller_id, @now, @caller_id)
        RETURNING {CaseRecord.Columns}
        """;

    /// <summary>Whether the caller may create a case in <paramref name="courtCode"/>, and whether it does so as the adopter.</summary>
    public static (bool Allowed, bool AsAdopter) Permission(Caller caller, string courtCode)
    {
        if (caller.IsAdmin || (caller.IsCaseworker && caller.Courts.Contains(courtCode, StringComparer.Ordinal)))
        {
            return (true, false);
        }

        return caller.IsAdopter ? (true, true) : (false, false);
    }

    public static async Task<(CaseRecord Case, IReadOnlyList<AssignmentView> Assignments)> ExecuteAsync(AdoptionWriteContext write, CreateCaseRequest request)
    {
        await using (var exists = write.Command(CourtExistsSql))
        {
            exists.Parameters.AddWithValue("code", request.CourtCode);
            if (!(bool)(await exists.ExecuteScalarAsync(write.CancellationToken))!)
            {
                throw CaseInput.UnknownCourt("courtCode", request.CourtCode);
            }
        }

        var (allowed, asAdopter) = Permission(write.Caller, request.CourtCode);
        if (!allowed)
        {
            throw new ProblemException(403, "forbidden", "The caller's roles do not allow this.",
                $"Your roles do not allow you to create a case in court {request.CourtCode} ('courtCode').");
        }

        // The year comes from the application clock, the same instant the case is created at.
        var number = await CaseNumberAllocator.NextAsync(write.Connection, write.Transaction, request.CourtCode, write.Now.Year, write.CancellationToken);
        CaseRecord created;
        await using (var insert = write.Command(InsertSql))
        {
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
            insert.Parameters.AddWithValue("case_number", number.ToString());
            insert.Parameters.AddWithValue("court_code", request.CourtCode);
            insert.Parameters.AddWithValue("case_year", number.Year);
            insert.Parameters.AddWithValue("case_sequence", number.Sequence);
            insert.Parameters.AddWithValue("ccd_reference", write.Reference);
            insert.Parameters.AddWithValue("applicant_name", request.ApplicantName);
            insert.Parameters.AddWithValue("applicant_email", NpgsqlDbType.Varchar, (object?)request.ApplicantEmail ?? DBNull.Value);
            insert.Parameters.AddWithValue("applicant_phone", NpgsqlDbType.Varchar, (object?)request.ApplicantPhone ?? DBNull.Value);
            insert.Parameters.AddWithValue("child_name", request.ChildName);
            insert.Parameters.AddWithValue("child_date_of_birth", NpgsqlDbType.Date, (object?)request.ChildDateOfBirth ?? DBNull.Value);
            insert.Parameters.AddWithValue("status", NpgsqlDbType.Varchar, nameof(AdoptionState.APPLICATION));
            insert.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await using var reader = await insert.ExecuteReaderAsync(write.CancellationToken);
            await reader.ReadAsync(write.CancellationToken);
            created = CaseRecord.Read(reader);
        }

        write.Audit("case.created", "case", created.Id, created.Id, new Dictionary<string, object?>
        {
            ["caseNumber"] = created.CaseNumber,
            ["courtCode"] = created.CourtCode,
            ["ccdReference"] = created.CcdReference.ToString(CultureInfo.InvariantCulture),
            ["status"] = created.Status.ToString(),
        });

        write.NewState = created.Status;
        var assignments = new List<AssignmentView>();
        if (asAdopter)
        {
            // An adopter who applies is assigned to its own application, or it could never see it again.
            assignments.Add(await AssignmentWrites.InsertAsync(write, created.Id, write.Caller.Id, AdoptionRoles.Adopter));
        }

        return (created, assignments);
    }
}
