using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
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

    public async ValueTask<JsonObject> RenderAsync(CaseViewContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken)
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
            return [];
        }

        var data = new JsonObject
        {
            ["caseNumber"] = reader.GetString(1),
            ["courtCode"] = reader.GetString(2),
            ["courtName"] = reader.GetString(3),
            ["status"] = reader.GetString(4),
            ["applicantName"] = reader.GetString(5),
        };
        if (!reader.IsDBNull(6))
        {
            data["applicantEmail"] = reader.GetString(6);
        }

        if (!reader.IsDBNull(7))
        {
            data["applicantPhone"] = reader.GetString(7);
        }

        data["childName"] = reader.GetString(8);
        if (!reader.IsDBNull(9))
        {
            data["childDateOfBirth"] = reader.GetFieldValue<DateOnly>(9).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (!reader.IsDBNull(10))
        {
            data["hearingDate"] = reader.GetFieldValue<DateOnly>(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        await reader.NextResultAsync(cancellationToken);
        var assignments = new JsonArray();
        while (await reader.ReadAsync(cancellationToken))
        {
            assignments.Add(new JsonObject
            {
                ["id"] = reader.GetGuid(0).ToString(),
                ["value"] = new JsonObject
                {
                    ["userId"] = reader.GetString(1),
                    ["role"] = reader.GetString(2),
                    ["assignedOn"] = reader.GetDateTime(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                },
            });
        }

        await reader.NextResultAsync(cancellationToken);
        var documents = new JsonArray();
        while (await reader.ReadAsync(cancellationToken))
        {
            var value = new JsonObject
            {
                ["fileName"] = reader.GetString(1),
                ["contentType"] = reader.GetString(2),
                ["sizeBytes"] = reader.GetInt64(3),
                ["uploadStatus"] = reader.GetString(6),
                ["virusScanStatus"] = reader.GetString(7),
                ["ocrStatus"] = reader.GetString(8),
            };
            if (!reader.IsDBNull(4))
            {
                value["sha256"] = reader.GetString(4);
            }

            if (!reader.IsDBNull(5))
            {
                value["storageRef"] = reader.GetString(5);
            }

            documents.Add(new JsonObject { ["id"] = reader.GetGuid(0).ToString(), ["value"] = value });
        }

        data["assignments"] = assignments;
        data["documents"] = documents;
        data["caseSummary"] = Summary(data, assignments.Count, documents.Count);
        return data;
    }

    private static string Summary(JsonObject data, int assignments, int documents)
    {
        var summary = new StringBuilder();
        summary.Append(CultureInfo.InvariantCulture, $"## Adoption case {data["caseNumber"]}\n\n");
        summary.Append("| | |\n|---|---|\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Court | {data["courtName"]} ({data["courtCode"]}) |\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Status | {CaseLifecycle.Label(CaseLifecycle.Parse((string)data["status"]!))} |\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Applicant | {Escape((string)data["applicantName"]!)} |\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Child | {Escape((string)data["childName"]!)} |\n");
        if (data["hearingDate"] is { } hearingDate)
        {
            summary.Append(CultureInfo.InvariantCulture, $"| Hearing | {hearingDate} |\n");
        }

        summary.Append(CultureInfo.InvariantCulture, $"| People assigned | {assignments} |\n");
        summary.Append(CultureInfo.InvariantCulture, $"| Documents | {documents} |\n");
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
