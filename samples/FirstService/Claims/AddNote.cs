using System.Text.Json;
using Ccd.Runtime.CaseTypes;

namespace Claims;

/// <summary>Adds the note typed in <c>newNote</c> to the claim's notes. Additive: two users adding notes at once both keep theirs.</summary>
public sealed class AddNote : ISubmitHandler<Claim, ClaimState>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<SubmitResult<ClaimState>> SubmitAsync(SubmitContext<Claim, ClaimState> context, CancellationToken cancellationToken)
    {
        var claim = context.Proposed;
        if (string.IsNullOrWhiteSpace(claim.NewNote))
        {
            return Task.FromResult(new SubmitResult<ClaimState> { Errors = ["Write the note."] });
        }

        claim.Notes.Add($"{context.User.Id}: {claim.NewNote}");
        claim.NewNote = null;
        return Task.FromResult(new SubmitResult<ClaimState> { Data = JsonSerializer.SerializeToNode(claim, Json)!.AsObject() });
    }
}
