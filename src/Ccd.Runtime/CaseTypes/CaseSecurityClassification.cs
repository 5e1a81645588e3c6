namespace Ccd.Runtime.CaseTypes;

/// <summary>CCD's security classification of a case or an event (<c>PUBLIC</c>, <c>PRIVATE</c>, <c>RESTRICTED</c> on the wire).</summary>
public enum CaseSecurityClassification
{
    /// <summary><c>PUBLIC</c>.</summary>
    Public,

    /// <summary><c>PRIVATE</c>.</summary>
    Private,

    /// <summary><c>RESTRICTED</c>.</summary>
    Restricted,
}

/// <summary>The text of a <see cref="CaseSecurityClassification"/>, the same in CCD's JSON and in the <c>ccd.security_classification</c> column.</summary>
internal static class ClassificationText
{
    public static string Format(CaseSecurityClassification value) => value switch
    {
        CaseSecurityClassification.Public => "PUBLIC",
        CaseSecurityClassification.Private => "PRIVATE",
        _ => "RESTRICTED",
    };

    public static bool TryParse(string? value, out CaseSecurityClassification classification)
    {
        switch (value)
        {
            case "PUBLIC":
                classification = CaseSecurityClassification.Public;
                return true;
            case "PRIVATE":
                classification = CaseSecurityClassification.Private;
                return true;
            case "RESTRICTED":
                classification = CaseSecurityClassification.Restricted;
                return true;
            default:
                classification = default;
                return false;
        }
    }
}
