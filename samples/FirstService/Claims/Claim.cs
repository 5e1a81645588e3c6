using Ccd.Runtime.CaseTypes;

namespace Claims;

/// <summary>An FR_Claim's case data as CCD sends it (field ids in camelCase: applicantName, amount, ...).</summary>
public sealed class Claim
{
    public string? ApplicantName { get; set; }

    public string? ApplicantEmail { get; set; }

    public MoneyGBP? Amount { get; set; }

    public string? NewNote { get; set; }

    public List<ListValue<ClaimNote>> Notes { get; set; } = [];

    public string? Summary { get; set; }
}

public sealed record ClaimNote(string Author, DateOnly Added, string Text);

public enum ClaimState
{
    Draft,
    Submitted,
    Closed,
}
