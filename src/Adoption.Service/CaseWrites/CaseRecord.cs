using Ccd.Runtime.Database;
using Npgsql;

namespace Adoption.Service.CaseWrites;

/// <summary>A row of <c>adoption.cases</c> as the service reads it.</summary>
internal sealed record CaseRecord(
    Guid Id,
    string CaseNumber,
    long CcdReference,
    string CourtCode,
    AdoptionState Status,
    string ApplicantName,
    string? ApplicantEmail,
    string? ApplicantPhone,
    string ChildName,
    DateOnly? ChildDateOfBirth,
    int Version,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    DateOnly? HearingDate)
{
    /// <summary>The columns <see cref="Read"/> expects, in order, over a case aliased <c>c</c>.</summary>
    public const string Columns = """
        c.id, c.case_number, c.ccd_reference, c.court_code, c.status, c.applicant_name, c.applicant_email,
        c.applicant_phone, c.child_name, c.child_date_of_birth, c.version, c.created_at, c.created_by, c.updated_at, c.updated_by, c.hearing_date
        """;

    /// <summary>The number of columns in <see cref="Columns"/>.</summary>
    public const int ColumnCount = 16;

    public static CaseRecord Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetInt64(2),
        reader.GetString(3),
        CaseLifecycle.Parse(reader.GetString(4)),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9),
        reader.GetInt32(10),
        reader.GetDateTime(11),
        reader.GetString(12),
        reader.GetDateTime(13),
        reader.GetString(14),
        reader.IsDBNull(15) ? null : reader.GetFieldValue<DateOnly>(15));
}

/// <summary>An assignment as shown inside a case and by the assignments API.</summary>
internal sealed record AssignmentView(Guid Id, string UserId, string Role, DateTime AssignedAt, string AssignedBy, DateTime? RevokedAt, string? RevokedBy)
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = "id, user_id, role, assigned_at, assigned_by, revoked_at, revoked_by";

    public static AssignmentView Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), DatabaseClock.AsUtc(reader.GetDateTime(3)), reader.GetString(4),
        reader.IsDBNull(5) ? null : DatabaseClock.AsUtc(reader.GetDateTime(5)), reader.IsDBNull(6) ? null : reader.GetString(6));
}
