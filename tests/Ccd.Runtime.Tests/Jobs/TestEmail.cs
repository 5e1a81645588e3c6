using Ccd.Runtime.Jobs;

namespace Ccd.Runtime.Tests.Jobs;

/// <summary>The job the typed test handler enqueues for the behaviour "job", stored under the kind <see cref="Kind"/>.</summary>
public sealed record TestEmail(string To)
{
    public const string Kind = "test-email";
}

/// <summary>Sends nothing: lets a service that only counts the jobs its events enqueue register the type.</summary>
internal sealed class IgnoredTestEmail : IJobHandler<TestEmail>
{
    public Task RunAsync(TestEmail job, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
