using System.Text.Json.Nodes;
using Adoption.Service.Documents;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;

namespace Adoption.Service.CaseType;

/// <summary>
/// <c>addDocument</c> from CCD: the items of the proposed <c>documents</c> collection that have no id yet (CCD
/// leaves new collection items without one) are registered as documents.
/// </summary>
internal sealed class AddDocumentHandler : ISubmitHandler<AdoptionCase, AdoptionState>
{
    public Task<SubmitResult<AdoptionState>> SubmitAsync(SubmitContext<AdoptionCase, AdoptionState> context, CancellationToken cancellationToken) =>
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
                var body = new JsonObject
                {
                    ["fileName"] = value.FileName,
                    ["contentType"] = value.ContentType,
                    ["sizeBytes"] = value.SizeBytes,
                };
                if (value.Sha256 is not null)
                {
                    body["sha256"] = value.Sha256;
                }

                if (value.StorageRef is not null)
                {
                    body["storageRef"] = value.StorageRef;
                }

                await DocumentWrites.AddAsync(write, id, body);
            }
        }, cancellationToken);
}
