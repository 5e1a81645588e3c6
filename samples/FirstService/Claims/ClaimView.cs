using System.Globalization;
using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;

namespace Claims;

/// <summary>What CCD shows of a claim: the stored case data and a summary line computed from it.</summary>
public sealed class ClaimView : ICaseView<Claim, ClaimState>
{
    public ValueTask<JsonObject> RenderAsync(CaseViewContext<Claim, ClaimState> context, CancellationToken cancellationToken)
    {
        var claim = context.Blob;
        var data = context.Data;
        data["summary"] = string.Create(CultureInfo.InvariantCulture, $"{claim.ApplicantName} claims £{claim.Amount / 100m:0.00}; {claim.Notes.Count} note(s)");
        return ValueTask.FromResult(data);
    }
}
