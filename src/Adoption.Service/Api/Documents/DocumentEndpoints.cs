using Adoption.Service.Access;
using Adoption.Service.CaseWrites;
using Adoption.Service.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Adoption.Service.Api.Documents;

/// <summary>Document metadata of a case: registered by anyone who may contribute, progressed and removed by case managers.</summary>
internal static class DocumentEndpoints
{
    public static RouteGroupBuilder MapDocumentEndpoints(this RouteGroupBuilder api)
    {
        var documents = api.MapGroup("/cases/{id}/documents").WithTags("Documents");
        documents.MapPost("/", Add).WithName("AddDocument").WithSummary("Registers a document's metadata.")
            .Accepts<NewDocument>("application/json").ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        documents.MapGet("/", List).WithName("ListDocuments").WithSummary("The case's documents.").ProducesProblem(400).ProducesProblem(404);
        documents.MapPatch("/{documentId}", Update).WithName("UpdateDocument")
            .WithSummary("Records upload, virus-scan and OCR progress (JSON merge patch).")
            .Accepts<DocumentProgress>("application/merge-patch+json", "application/json")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        documents.MapDelete("/{documentId}", Delete).WithName("DeleteDocument").WithSummary("Soft-deletes a document.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    internal static async Task<Created<DocumentRecord>> Add(
        HttpContext http, Caller caller, NpgsqlDataSource dataSource, AdoptionWritePath writes, string id, CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var body = await RequestJson.ReadObjectAsync(http.Request, cancellationToken);
        var reference = await CaseLocator.LocateAsync(dataSource, caller, caseId, cancellationToken);
        var added = DocumentRequests.Add(body);
        var document = await writes.RunAsync(
            new AdoptionWrite(A58.Events.AddDocument, reference, caller),
            write => DocumentWrites.AddAsync(write, caseId, added),
            cancellationToken);
        return TypedResults.Created($"/api/cases/{caseId}/documents/{document.Id}", document);
    }

    internal static async Task<Ok<IReadOnlyList<DocumentRecord>>> List(
        Caller caller, NpgsqlDataSource dataSource, string id, CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var documents = await ListDocuments.ExecuteAsync(dataSource, caller, caseId, cancellationToken) ?? throw LockedCase.NotFound(caseId);
        return TypedResults.Ok(documents);
    }

    internal static async Task<Ok<DocumentRecord>> Update(
        HttpContext http, Caller caller, NpgsqlDataSource dataSource, AdoptionWritePath writes, string id, string documentId,
        CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var document = RequestJson.ParseId(documentId, "documentId");
        var body = await RequestJson.ReadObjectAsync(http.Request, cancellationToken);
        var reference = await CaseLocator.LocateAsync(dataSource, caller, caseId, cancellationToken);
        var change = DocumentRequests.Progress(body);
        var updated = await writes.RunAsync(
            new AdoptionWrite(A58.Events.UpdateDocument, reference, caller),
            write => DocumentWrites.UpdateAsync(write, caseId, document, change),
            cancellationToken);
        return TypedResults.Ok(updated);
    }

    internal static async Task<NoContent> Delete(
        Caller caller, NpgsqlDataSource dataSource, AdoptionWritePath writes, string id, string documentId, CancellationToken cancellationToken)
    {
        var caseId = RequestJson.ParseId(id, "id");
        var document = RequestJson.ParseId(documentId, "documentId");
        var reference = await CaseLocator.LocateAsync(dataSource, caller, caseId, cancellationToken);
        await writes.RunAsync(
            new AdoptionWrite(A58.Events.UpdateDocument, reference, caller),
            write => DocumentWrites.DeleteAsync(write, caseId, document),
            cancellationToken);
        return TypedResults.NoContent();
    }
}

/// <summary>The merge patch of <c>PATCH /api/cases/{id}/documents/{documentId}</c> (for the OpenAPI document).</summary>
internal sealed record DocumentProgress(long? SizeBytes, string? Sha256, string? StorageRef, string? UploadStatus, string? VirusScanStatus, string? OcrStatus);
