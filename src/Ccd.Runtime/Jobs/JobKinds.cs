namespace Ccd.Runtime.Jobs;

/// <summary>The registered job kinds, by kind (for the worker) and by job type (for an event that enqueues a job).</summary>
internal sealed class JobKinds
{
    private readonly Dictionary<string, JobHandlerRegistration> _byKind;
    private readonly Dictionary<Type, JobHandlerRegistration> _byType;

    public JobKinds(IEnumerable<JobHandlerRegistration> registrations)
    {
        var all = registrations.ToList();
        // Registration refuses duplicates (a start-up failure); the first one wins should any slip through.
        _byKind = all.DistinctBy(registration => registration.Kind, StringComparer.Ordinal).ToDictionary(registration => registration.Kind, StringComparer.Ordinal);
        _byType = all.DistinctBy(registration => registration.JobType).ToDictionary(registration => registration.JobType);
    }

    public JobHandlerRegistration? ForKind(string kind) => _byKind.GetValueOrDefault(kind);

    public JobHandlerRegistration? ForType(Type jobType) => _byType.GetValueOrDefault(jobType);
}
