using Ccd.Runtime.Problems;
using Npgsql;

namespace Adoption.Service.Access;

/// <summary>What the caller may do to one visible case, as computed by <see cref="CaseAccessSql.Capabilities"/>.</summary>
internal readonly record struct CaseCapabilities(bool MayManage, bool MayJudge, bool MayAddDocuments, bool MayReadAudit)
{
    /// <summary>Reads the four capability columns starting at <paramref name="ordinal"/>.</summary>
    public static CaseCapabilities Read(NpgsqlDataReader reader, int ordinal) => new(
        reader.GetBoolean(ordinal), reader.GetBoolean(ordinal + 1), reader.GetBoolean(ordinal + 2), reader.GetBoolean(ordinal + 3));

    /// <summary>A visible case the caller may not change: 403 (its existence is already known to the caller).</summary>
    public static ProblemException Forbidden(string what) =>
        new(403, "forbidden", "The caller's roles do not allow this.", $"Your roles do not allow you to {what} on this case.");
}
