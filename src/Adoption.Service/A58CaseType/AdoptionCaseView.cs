using System.Globalization;
using System.Text;
using Adoption.Service.CaseWrites;
using Ccd.Runtime.CaseTypes;
using Npgsql;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// Renders A58's <c>case_data</c> from the adoption tables: the case (with its hearing date once listed), its active assignments, its live documents,
/// and a markdown summary computed here (never stored). Deterministic for unchanged rows, because the runtime
/// compares renderings to decide whether an event changed what CCD sees.
/// </summary>
internal sealed class AdoptionCaseView : ICaseView<AdoptionCase, AdoptionState>
{
    private const string CaseSql = """
        SELECT c.id, c.case_number, c.court_code, k.name, c.status, c.applicant_name, c.applicant_email, c.applicant_phone,
               c.child_name, c.child_date_of_birth, c.hearing_date
        FROM adoption.cases c JOIN adoption.courts k ON k.code = c.court_code
        WHERE c.ccd_reference = @reference AND c.deleted_at IS NULL
        """;

    private const string AssignmentsSql = """
        SELECT a.id, a.user_id, a.role, a.assigned_at
        FROM adoption.case_assignments a JOIN adoption.cases c ON c.id = a.case_id
        WHERE c.ccd_reference = @reference AND a.revoked_at IS NULL
        ORDER BY a.assigned_at, a.id
        """;

    private const string DocumentsSql = """
        SELECT d.id, d.file_name, d.content_type, d.size_bytes, d.sha256, d.storage_ref, d.upload_status, d.virus_scan_status, d.ocr_status
        FROM adoption.documents d JOIN adoption.cases c ON c.id = d.case_id
        WHERE c.ccd_reference = @reference AND d.deleted_at IS NULL
        ORDER BY d.uploaded_at, d.id
        """;

    public async ValueTask<AdoptionCase> RenderAsync(CaseViewContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(context.Connection, context.Transaction);
        foreach (var sql in new[] { CaseSql, AssignmentsSql, DocumentsSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("reference", context.Reference);
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            // No live adoption row (a deleted case, which the runtime no longer serves): CCD sees no fields.
            return new AdoptionCase();
        }

        var view = new AdoptionCase
        {
            CaseNumber = reader.GetString(1),
            CourtCode = reader.GetString(2),
            CourtName = reader.GetString(3),
            Status = reader.GetString(4),
            ApplicantName = reader.GetString(5),
            ApplicantEmail = reader.IsDBNull(6) ? null : reader.GetString(6),
            ApplicantPhone = reader.IsDBNull(7) ? null : reader.GetString(7),
            ChildName = reader.GetString(8),
            ChildDateOfBirth = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9),
            HearingDate = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10),
            Assignments = [],
            Documents = [],
        };

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            view.Assignments.Add(new ListValue<AdoptionAssignmentItem>(reader.GetGuid(0).ToString(), new AdoptionAssignmentItem
            {
                UserId = reader.GetString(1),
                Role = reader.GetString(2),
                AssignedOn = DateOnly.FromDateTime(reader.GetDateTime(3)),
            }));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            view.Documents.Add(new ListValue<AdoptionDocumentItem>(reader.GetGuid(0).ToString(), new AdoptionDocumentItem
            {
                FileName = reader.GetString(1),
                ContentType = reader.GetString(2),
                SizeBytes = reader.GetInt64(3),
                Sha256 = reader.IsDBNull(4) ? null : reader.GetString(4),
                StorageRef = reader.IsDBNull(5) ? null : reader.GetString(5),
                UploadStatus = reader.GetString(6),
                VirusScanStatus = reader.GetString(7),
                OcrStatus = reader.GetString(8),
            }));
        }

        view.CaseSummary = Summary(view);
        return view;
    }

    private static string Summary(AdoptionCase view)
    {
        var summary = new StringBuilder();
        summary.Append(CultureInfo.InvariantCulture, $"## Adoption case {view.CaseNumber}\n\n");
        summary.Append("| | |\n|---|---|\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Court | {view.CourtName} ({view.CourtCode}) |\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Status | {CaseLifecycle.Label(CaseLifecycle.Parse(view.Status!))} |\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Applicant | {Escape(view.ApplicantName!)} |\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Child | {Escape(view.ChildName!)} |\n");
        if (view.HearingDate is { } hearingDate)
        {
            summary.Append(CultureInfo.InvariantCulture, $"| Hearing | {hearingDate:yyyy-MM-dd} |\n");
        }

        summary.Append(CultureInfo.InvariantCulture, $"| People assigned | {view.Assignments!.Count} |\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Documents | {view.Documents!.Count} |\n");
        return summary.ToString();
    }

    // Names are user input: keep them from breaking the table or injecting markdown.
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch is '|' or '\\' or '*' or '_' or '`' or '[' or ']' or '<' or '>' or '#')
            {
                escaped.Append('\\');
            }

            escaped.Append(ch is '\n' or '\r' ? ' ' : ch);
        }

        return escaped.ToString();
    }
}
