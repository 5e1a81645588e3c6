using Adoption.Service.Access;
using Ccd.Runtime.Problems;
using NpgsqlTypes;

namespace Adoption.Service.CaseWrites;

/// <summary>A document to register, its fields checked by <see cref="DocumentInput"/>.</summary>
internal sealed record NewDocument(string FileName, string ContentType, long SizeBytes, string? Sha256, string? StorageRef);

/// <summary>
/// Progress of a document (a JSON merge patch in the REST API): unset members stay. <see cref="Refused"/> is the
/// problem with the first member the client got wrong, answered once the document is found and the caller may
/// change it. <see cref="Sent"/> is each member as the client sent it, for the audit row.
/// </summary>
internal sealed record DocumentProgressChange(
    Change<long> SizeBytes,
    Change<string?> Sha256,
    Change<string?> StorageRef,
    Change<string> UploadStatus,
    Change<string> VirusScanStatus,
    Change<string> OcrStatus,
    IReadOnlyDictionary<string, object?> Sent,
    ProblemException? Refused)
{
    public DocumentRecord ApplyTo(DocumentRecord current) =>
        Refused is { } refused
            ? throw refused
            : current with
            {
                SizeBytes = SizeBytes.Or(current.SizeBytes),
                Sha256 = Sha256.Or(current.Sha256),
                StorageRef = StorageRef.Or(current.StorageRef),
                UploadStatus = UploadStatus.Or(current.UploadStatus),
                VirusScanStatus = VirusScanStatus.Or(current.VirusScanStatus),
                OcrStatus = OcrStatus.Or(current.OcrStatus),
            };
}

/// <summary>Adding document metadata, recording upload/scan/OCR progress, and soft-deleting documents.</summary>
internal static class DocumentWrites
{

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

    public static async Task<DocumentRecord> AddAsync(AdoptionWriteContext write, Guid caseId, NewDocument document)
    {
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
            insert.Parameters.AddWithValue("file_name", document.FileName);
            insert.Parameters.AddWithValue("content_type", document.ContentType);
            insert.Parameters.AddWithValue("size_bytes", document.SizeBytes);
            insert.Parameters.AddWithValue("sha256", NpgsqlDbType.Char, (object?)document.Sha256 ?? DBNull.Value);
            insert.Parameters.AddWithValue("storage_ref", NpgsqlDbType.Varchar, (object?)document.StorageRef ?? DBNull.Value);
            insert.Parameters.AddWithValue("now", NpgsqlDbType.Timestamp, write.Now);
            await using var reader = await insert.ExecuteReaderAsync(write.CancellationToken);
            await reader.ReadAsync(write.CancellationToken);
            added = DocumentRecord.Read(reader);
        }

        write.Audit("document.added", "document", added.Id, caseId, new Dictionary<string, object?>
        {
            ["fileName"] = document.FileName, ["contentType"] = document.ContentType, ["sizeBytes"] = document.SizeBytes,
        });
        return added;
    }

    public static async Task<DocumentRecord> UpdateAsync(AdoptionWriteContext write, Guid caseId, Guid documentId, DocumentProgressChange change)
    {
        var current = await LockDocumentAsync(write, caseId, documentId);
        var next = change.ApplyTo(current);

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

        write.Audit("document.updated", "document", documentId, caseId, change.Sent);
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

        write.Audit("document.deleted", "document", documentId, caseId, new Dictionary<string, object?> { ["fileName"] = current.FileName });
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
