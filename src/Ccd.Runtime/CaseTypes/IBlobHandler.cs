namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// The classic about-to-submit contract (case data in, case data out), run inside the event's transaction, so an
/// existing service can move its callback code in unchanged. Its output replaces the stored blob. Resolved from
/// dependency injection for each event; register it as a service.
/// </summary>
public interface IBlobHandler
{
    /// <summary>Handles the event.</summary>
    Task<BlobResult> HandleAsync(BlobContext context, CancellationToken cancellationToken);
}
