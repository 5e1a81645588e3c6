using Adoption.Service.CaseWrites;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// <c>addDocument</c> from CCD: the items of the proposed <c>documents</c> collection that have no id yet (CCD
/// leaves new collection items without one) are registered as documents.
/// </summary>
internal sealed class AddDocumentHandler : ISubmitHandler<AdoptionCase, AdoptionState>
{
    public Task<SubmitResult<AdoptionCase, AdoptionState>> SubmitAsync(SubmitContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken) =>
        CcdEventRunner.RunAsync(context, async write =>
        {
            var added = (context.Proposed.Documents ?? []).Where(item => string.IsNullOrEmpty(item.Id) && item.Value is not null).ToList();
            if (added.Count == 0)
            {
                throw ProblemException.BadRequest("documents", "addDocument needs a new item (without an id) in 'documents'.");
            }

            var id = await CaseLookup.IdAsync(write);
            foreach (var item in added)
            {
                var value = item.Value!;
                var document = new NewDocument(
                    DocumentInput.FileName(value.FileName),
                    DocumentInput.ContentType(value.ContentType),
                    DocumentInput.Size(value.SizeBytes),
                    value.Sha256 is { } sha ? DocumentInput.Sha256(sha) : null,
                    value.StorageRef is { } storage ? DocumentInput.StorageRef(storage) : null);
                await DocumentWrites.AddAsync(write, id, document);
            }
        }, cancellationToken);
}
