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
