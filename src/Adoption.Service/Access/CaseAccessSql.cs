namespace Adoption.Service.Access;

/// <summary>
/// The access rules of SPEC 5 as SQL fragments over a case aliased <c>c</c>, used inside every read and every
/// write statement so the database returns or touches only what the caller may see. Parameters come from
/// <see cref="Caller.AddParameters"/>. Npgsql sends them as values of an unnamed statement, so PostgreSQL plans
/// each execution with the caller's flags folded in and picks the court index or the assignment index.
/// </summary>
internal static class CaseAccessSql
{
    /// <summary>The caller is actively assigned to the case, in a role its token holds.</summary>
    public const string Assigned = """
        EXISTS (SELECT 1 FROM adoption.case_assignments va
                WHERE va.case_id = c.id AND va.user_id = @caller_id AND va.revoked_at IS NULL AND va.role = ANY (@caller_roles))
        """;

    /// <summary>Administrators see all; caseworkers and judges the cases of their courts; others their assigned cases.</summary>
    public const string Visible = $"""
        (c.deleted_at IS NULL AND (
            @caller_admin
            OR ((@caller_caseworker OR @caller_judge) AND c.court_code = ANY (@caller_courts))
            OR {Assigned}))
        """;

    /// <summary>May change the case's details, status, assignments and documents, and delete it.</summary>
    public const string MayManage = "(@caller_admin OR (@caller_caseworker AND c.court_code = ANY (@caller_courts)))";

    /// <summary>May make the order (HEARING → ORDER_MADE) as the judge of the case's court.</summary>
    public const string MayJudge = "(@caller_judge AND c.court_code = ANY (@caller_courts))";

    /// <summary>May add documents: managers, and everyone actively assigned.</summary>
    public const string MayAddDocuments = $"({MayManage} OR {Assigned})";

    /// <summary>May read the audit trail.</summary>
    public const string MayReadAudit = $"({MayManage} OR {MayJudge})";

    /// <summary>The capability columns a locked or read case carries, decided by the database.</summary>
    public const string Capabilities = $"""
        {MayManage} AS may_manage, {MayJudge} AS may_judge, {MayAddDocuments} AS may_add_documents, {MayReadAudit} AS may_read_audit
        """;
}
