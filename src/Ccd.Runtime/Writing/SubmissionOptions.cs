namespace Ccd.Runtime.Writing;

/// <summary>Settings of event submission (<c>Ccd:Submission</c>).</summary>
internal sealed class SubmissionOptions
{
    public const string SectionName = "Ccd:Submission";

    /// <summary>
    /// Seconds a submit may take, handler included, before it is rolled back and answered 503. Default 20: below
    /// CCD's own 30-second transaction, so CCD hears a clear answer rather than timing out itself.
    /// </summary>
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>The identity of service events that name no actor (work done by jobs); unset refuses them.</summary>
    public SystemUserOptions SystemUser { get; set; } = new();
}
