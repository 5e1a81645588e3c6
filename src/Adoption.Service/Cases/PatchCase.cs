using System.Text.Json.Nodes;
using Adoption.Service.Access;
using Adoption.Service.Audit;
using Adoption.Service.CaseType;
using Adoption.Service.Http;
using Ccd.Runtime.Problems;
using NpgsqlTypes;

namespace Adoption.Service.Cases;

/// <summary>
/// A JSON merge patch (RFC 7396) of the applicant and child fields: absent members stay, <c>null</c> clears an
/// optional field, and the body's <c>version</c> is the optimistic-lock token rather than a field.
/// </summary>
internal sealed record CasePatch(JsonObject Body, int? Version)
{
    private static readonly string[] Members = ["applicantName", "applicantEmail", "applicantPhone", "childName", "childDateOfBirth", "version"];

    public static CasePatch Parse(JsonObject body)
    {
        foreach (var (name, _) in body)
        {
            if (name is "status")
            {
                throw ProblemException.BadRequest(name, "'status' is changed with POST /api/cases/{id}/status, not PATCH.");
            }

            if (name is "id" or "caseNumber" or "ccdReference" or "courtCode" or "createdAt" or "createdBy" or "updatedAt" or "updatedBy" or "assignments")
            {
                throw ProblemException.BadRequest(name, $"'{name}' cannot be changed.");
            }
        }

        RequestJson.AllowOnly(body, Members);
        return new CasePatch(body, RequestJson.Version(body));
    }

    /// <summary>The case after the patch, validating each present member.</summary>
    public CaseRecord ApplyTo(CaseRecord current, DateTime now)
    {
        var next = current;
        foreach (var (name, node) in Body)
        {
            next = name switch
            {
                "applicantName" => next with { ApplicantName = Required(node, name) },
                "childName" => next with { ChildName = Required(node, name) },
                "applicantEmail" => next with { ApplicantEmail = node is null ? null : CaseInput.Email(node) },
                "applicantPhone" => next with { ApplicantPhone = node is null ? null : CaseInput.Phone(node) },
                "childDateOfBirth" => next with { ChildDateOfBirth = node is null ? null : CaseInput.ChildDateOfBirth(node, now) },
                _ => next,
            };
        }

        return next;
    }

    private static string Required(JsonNode? node, string name) =>
        node is null
            ? throw ProblemException.BadRequest(name, $"'{name}' is required and cannot be cleared.")
            : RequestJson.StringValue(node, name, CaseInput.NameMax);
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

        if (locked.Case.Version != expectedVersion)
        {
            throw Versions.Stale(expectedVersion, locked.Case.Version);
        }

        var next = patch.ApplyTo(locked.Case, write.Now);
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

        await AuditLog.AppendAsync(write,
            new AuditEntry(write.Now, write.Caller.Id, "case.updated", "case", id, id, changes), write.CancellationToken);
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
