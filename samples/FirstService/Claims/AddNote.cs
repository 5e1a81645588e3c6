using Ccd.Runtime.CaseTypes;

namespace Claims;

/// <summary>Adds the note typed in <c>newNote</c> to the claim's notes. Additive: two users adding notes at once both keep theirs.</summary>
public sealed class AddNote : ISubmitHandler<Claim, ClaimState>
{
    public Task<SubmitResult<Claim, ClaimState>> SubmitAsync(SubmitContext<Claim, ClaimState> context, CancellationToken cancellationToken)
    {
        var claim = context.Proposed;
        if (string.IsNullOrWhiteSpace(claim.NewNote))
        {
            return Task.FromResult(new SubmitResult<Claim, ClaimState> { Errors = ["Write the note."] });
        }

        var note = new ClaimNote(context.User.Id, DateOnly.FromDateTime(context.Now.UtcDateTime), claim.NewNote);
        claim.Notes.Add(new ListValue<ClaimNote>(Guid.NewGuid().ToString(), note));
        claim.NewNote = null;
        return Task.FromResult(new SubmitResult<Claim, ClaimState> { Data = claim });
    }
}
