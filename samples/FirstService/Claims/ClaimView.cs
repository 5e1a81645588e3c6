using System.Globalization;
using Ccd.Runtime.CaseTypes;

namespace Claims;

/// <summary>What CCD shows of a claim: the stored case data and a summary line computed from it.</summary>
public sealed class ClaimView : ICaseView<Claim, ClaimState>
{
    public ValueTask<Claim> RenderAsync(CaseViewContext<Claim, ClaimState> context, CancellationToken cancellationToken)
    {
        var claim = context.Blob;
        claim.Summary = string.Create(CultureInfo.InvariantCulture, $"{claim.ApplicantName} claims £{claim.Amount?.Pounds:0.00}; {claim.Notes.Count} note(s)");
        return ValueTask.FromResult(claim);
    }
}
