using System.Text.Json.Nodes;
using Adoption.Service.Access;
using Adoption.Service.Audit;
using Adoption.Service.CaseType;
using Adoption.Service.Cases;
using Adoption.Service.Http;
using Ccd.Runtime.Problems;
using NpgsqlTypes;

namespace Adoption.Service.Documents;

/// <summary>Adding document metadata, recording upload/scan/OCR progress, and soft-deleting documents.</summary>
internal static class DocumentWrites
{
    public static readonly string[] CreateMembers = ["fileName", "contentType", "sizeBytes", "sha256", "storageRef"];
    public static readonly string[] PatchMembers = ["sizeBytes", "sha256", "storageRef", "uploadStatus", "virusScanStatus", "ocrStatus"];

    private const string InsertSql = $"""
        INSERT INTO adoption.documents AS d (id, case_id, file_name, content_type, size_bytes, sha256, storage_ref,
            upload_status, virus_scan_status, ocr_status, uploaded_by, uploaded_at, updated_at)
        SELECT @id, c.id, @file_name, @content_type, @size_bytes, @sha256, @storage_ref,
            'PENDING', 'PENDING', 'NOT_REQUESTED', @caller_id, @now, @now
        FROM adoption.cases c
        WHERE c.id = @case_id AND {CaseAccessSql.Visible} AND {CaseAccessSql.MayAddDocuments}
        RETURNING {DocumentRecord.Columns}
        """;

    private const string LockDocumentSql = $"""
        SELECT {DocumentRecord.Columns}
        FROM adoption.documents d
        JOIN adoption.cases c ON c.id = d.case_id
        WHERE d.id = @document_id AND d.case_id = @case_id AND d.deleted_at IS NULL AND {CaseAccessSql.Visible}
        FOR UPDATE OF d
        """;

    private const string UpdateSql = $"""
        UPDATE adoption.documents d
        SET size_bytes = @size_bytes, sha256 = @sha256, storage_ref = @storage_ref, upload_status = @upload_status,
            virus_scan_status = @virus_scan_status, ocr_status = @ocr_status, updated_at = @now
        FROM adoption.cases c
        WHERE d.id = @document_id AND c.id = d.case_id AND {CaseAccessSql.Visible} AND {CaseAccessSql.MayManage}
        RETURNING {DocumentRecord.Columns}
        """;

    private const string DeleteSql = $"""
        UPDATE adoption.documents d
        SET deleted_at = @now, deleted_by = @caller_id, updated_at = @now
        FROM adoption.cases c
        WHERE d.id = @document_id AND c.id = d.case_id AND {CaseAccessSql.Visible} AND {CaseAccessSql.MayManage}
        """;

    public static async Task<DocumentRecord> AddAsync(AdoptionWriteContext write, Guid caseId, JsonObject body)
    {
        RequestJson.AllowOnly(body, CreateMembers);
        var fileName = DocumentInput.FileName(body["fileName"]);
        var contentType = DocumentInput.ContentType(body["contentType"]);
        var size = DocumentInput.Size(body["sizeBytes"]);
        var sha = body["sha256"] is { } shaNode ? DocumentInput.Sha256(shaNode) : null;
        var storage = body["storageRef"] is { } storageNode ? DocumentInput.StorageRef(storageNode) : null;

        var locked = await LockedCase.LockAsync(write, caseId);
        if (!locked.Can.MayAddDocuments)
        {
            throw CaseCapabilities.Forbidden("add documents");
        }

        DocumentRecord added;
        await using (var insert = write.Command(InsertSql))
        {
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
            insert.Parameters.AddWithValue("case_id", caseId);
            insert.Parameters.AddWithValue("file_name", fileName);
            insert.Parameters.AddWithValue("content_type", contentType);
            insert.Parameters.AddWithValue("size_bytes", size);
            insert.Parameters.AddWithValue("sha256", NpgsqlDbType.Char, (object?)sha ?? DBNull.Value);
            insert.Parameters.AddWithValue("storage_ref", NpgsqlDbType.Varchar, (object?)storage ?? DBNull.Value);
            insert.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await using var reader = await insert.ExecuteReaderAsync(write.CancellationToken);
            await reader.ReadAsync(write.CancellationToken);
            added = DocumentRecord.Read(reader);
        }

        await AuditLog.AppendAsync(write, new AuditEntry(
            write.Now, write.Caller.Id, "document.added", "document", added.Id, caseId,
            new Dictionary<string, object?> { ["fileName"] = fileName, ["contentType"] = contentType, ["sizeBytes"] = size }), write.CancellationToken);
        return added;
    }

    public static async Task<DocumentRecord> UpdateAsync(AdoptionWriteContext write, Guid caseId, Guid documentId, JsonObject patch)
    {
        RequestJson.AllowOnly(patch, PatchMembers);
        var current = await LockDocumentAsync(write, caseId, documentId);
        var next = current;
        foreach (var (name, node) in patch)
        {
            next = name switch
            {
                "sizeBytes" => next with { SizeBytes = DocumentInput.Size(node) },
                "sha256" => next with { Sha256 = node is null ? null : DocumentInput.Sha256(node) },
                "storageRef" => next with { StorageRef = node is null ? null : DocumentInput.StorageRef(node) },
                "uploadStatus" => next with { UploadStatus = DocumentInput.OneOf(node, name, DocumentRecord.UploadStatuses) },
                "virusScanStatus" => next with { VirusScanStatus = DocumentInput.OneOf(node, name, DocumentRecord.VirusScanStatuses) },
                "ocrStatus" => next with { OcrStatus = DocumentInput.OneOf(node, name, DocumentRecord.OcrStatuses) },
                _ => next,
            };
        }

        DocumentRecord updated;
        await using (var update = write.Command(UpdateSql))
        {
            update.Parameters.AddWithValue("document_id", documentId);
            update.Parameters.AddWithValue("size_bytes", next.SizeBytes);
            update.Parameters.AddWithValue("sha256", NpgsqlDbType.Char, (object?)next.Sha256 ?? DBNull.Value);
            update.Parameters.AddWithValue("storage_ref", NpgsqlDbType.Varchar, (object?)next.StorageRef ?? DBNull.Value);
            update.Parameters.AddWithValue("upload_status", next.UploadStatus);
            update.Parameters.AddWithValue("virus_scan_status", next.VirusScanStatus);
            update.Parameters.AddWithValue("ocr_status", next.OcrStatus);
            update.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await using var reader = await update.ExecuteReaderAsync(write.CancellationToken);
            await reader.ReadAsync(write.CancellationToken);
            updated = DocumentRecord.Read(reader);
        }

        await AuditLog.AppendAsync(write, new AuditEntry(
            write.Now, write.Caller.Id, "document.updated", "document", documentId, caseId,
            patch.ToDictionary(member => member.Key, member => (object?)member.Value?.ToJsonString())), write.CancellationToken);
        return updated;
    }

    public static async Task DeleteAsync(AdoptionWriteContext write, Guid caseId, Guid documentId)
    {
        var current = await LockDocumentAsync(write, caseId, documentId);
        await using (var delete = write.Command(DeleteSql))
        {
            delete.Parameters.AddWithValue("document_id", documentId);
            delete.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await delete.ExecuteNonQueryAsync(write.CancellationToken);
        }

        await AuditLog.AppendAsync(write, new AuditEntry(
            write.Now, write.Caller.Id, "document.deleted", "document", documentId, caseId,
            new Dictionary<string, object?> { ["fileName"] = current.FileName }), write.CancellationToken);
    }

    /// <summary>Locks the case (the event's unit) and then the document; only case managers change documents.</summary>
    private static async Task<DocumentRecord> LockDocumentAsync(AdoptionWriteContext write, Guid caseId, Guid documentId)
    {
        var locked = await LockedCase.LockAsync(write, caseId);
        await using var command = write.Command(LockDocumentSql);
        command.Parameters.AddWithValue("case_id", caseId);
        command.Parameters.AddWithValue("document_id", documentId);
        await using var reader = await command.ExecuteReaderAsync(write.CancellationToken);
        if (!await reader.ReadAsync(write.CancellationToken))
        {
            throw ProblemException.NotFound($"No document {documentId} on case {caseId}.");
        }

        var document = DocumentRecord.Read(reader);
        return locked.Can.MayManage ? document : throw CaseCapabilities.Forbidden("change documents");
    }
}
