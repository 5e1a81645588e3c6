using System.Text.Json.Nodes;
using Adoption.Service.CaseWrites;
using Adoption.Service.Http;
using Ccd.Runtime.Problems;

namespace Adoption.Service.Api.Documents;

/// <summary>The JSON bodies of the documents resource, read into the kernel's commands.</summary>
internal static class DocumentRequests
{
    private static readonly string[] CreateMembers = ["fileName", "contentType", "sizeBytes", "sha256", "storageRef"];
    private static readonly string[] PatchMembers = ["sizeBytes", "sha256", "storageRef", "uploadStatus", "virusScanStatus", "ocrStatus"];

    /// <summary>The body of <c>POST /api/cases/{id}/documents</c>, each member checked in turn.</summary>
    public static NewDocument Add(JsonObject body)
    {
        RequestJson.AllowOnly(body, CreateMembers);
        return new NewDocument(
            DocumentInput.FileName(RequestJson.TextOrNull(body["fileName"], "fileName")),
            DocumentInput.ContentType(RequestJson.TextOrNull(body["contentType"], "contentType")),
            DocumentInput.Size(body["sizeBytes"] is { } size ? RequestJson.Integer(size, "sizeBytes") : null),
            body["sha256"] is { } sha ? DocumentInput.Sha256(RequestJson.Text(sha, "sha256")) : null,
            body["storageRef"] is { } storage ? DocumentInput.StorageRef(RequestJson.Text(storage, "storageRef")) : null);
    }

    /// <summary>
    /// The merge patch of <c>PATCH /api/cases/{id}/documents/{documentId}</c>. Unknown members are refused now; a bad
    /// value travels in the change (<see cref="DocumentProgressChange.Refused"/>).
    /// </summary>
    public static DocumentProgressChange Progress(JsonObject body)
    {
        RequestJson.AllowOnly(body, PatchMembers);
        var sent = body.ToDictionary(member => member.Key, member => (object?)member.Value?.ToJsonString());
        var change = new DocumentProgressChange(default, default, default, default, default, default, sent, Refused: null);
        try
        {
            foreach (var (name, node) in body)
            {
                change = name switch
                {
                    "sizeBytes" => change with { SizeBytes = Change<long>.To(DocumentInput.Size(node is null ? null : RequestJson.Integer(node, name))) },
                    "sha256" => change with { Sha256 = Change<string?>.To(node is null ? null : DocumentInput.Sha256(RequestJson.Text(node, name))) },
                    "storageRef" => change with { StorageRef = Change<string?>.To(node is null ? null : DocumentInput.StorageRef(RequestJson.Text(node, name))) },
                    "uploadStatus" => change with { UploadStatus = Change<string>.To(Status(node, name, DocumentRecord.UploadStatuses)) },
                    "virusScanStatus" => change with { VirusScanStatus = Change<string>.To(Status(node, name, DocumentRecord.VirusScanStatuses)) },
                    "ocrStatus" => change with { OcrStatus = Change<string>.To(Status(node, name, DocumentRecord.OcrStatuses)) },
                    _ => change,
                };
            }
        }
        catch (ProblemException refused)
        {
            change = change with { Refused = refused };
        }

        return change;
    }

    private static string Status(JsonNode? node, string name, string[] allowed) =>
        DocumentInput.OneOf(RequestJson.TextOrNull(node, name), name, allowed);
}
