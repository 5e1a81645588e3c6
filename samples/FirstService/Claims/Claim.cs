namespace Claims;

/// <summary>An FR_Claim's case data as CCD sends it (field ids in camelCase: applicantName, amount, ...).</summary>
public sealed class Claim
{
    public string? ApplicantName { get; set; }

    public string? ApplicantEmail { get; set; }

    public long? Amount { get; set; }

    public string? NewNote { get; set; }

    public List<string> Notes { get; set; } = [];
}

public enum ClaimState
{
    Draft,
    Submitted,
    Closed,
}
