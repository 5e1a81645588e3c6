using Ccd.Runtime.Database;
using Npgsql;

namespace Adoption.Service.CaseWrites;

/// <summary>Document metadata (the bytes live in the document store named by <c>storageRef</c>).</summary>
internal sealed record DocumentRecord(
    Guid Id,
    Guid CaseId,
    string FileName,
    string ContentType,
    long SizeBytes,
    string? Sha256,
    string? StorageRef,
    string UploadStatus,
    string VirusScanStatus,
    string OcrStatus,
    string UploadedBy,
    DateTime UploadedAt,
    DateTime UpdatedAt)
{
    public const string Columns = """
        d.id, d.case_id, d.file_name, d.content_type, d.size_bytes, d.sha256, d.storage_ref, d.upload_status,
        d.virus_scan_status, d.ocr_status, d.uploaded_by, d.uploaded_at, d.updated_at
        """;

    public static readonly string[] UploadStatuses = ["PENDING", "UPLOADED", "FAILED"];
    public static readonly string[] VirusScanStatuses = ["PENDING", "CLEAN", "INFECTED", "FAILED"];
    public static readonly string[] OcrStatuses = ["NOT_REQUESTED", "PENDING", "COMPLETED", "FAILED"];

    public static DocumentRecord Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
        reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.GetString(10),
        DatabaseClock.AsUtc(reader.GetDateTime(11)), DatabaseClock.AsUtc(reader.GetDateTime(12)));
}
