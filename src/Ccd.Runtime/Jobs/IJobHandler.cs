namespace Ccd.Runtime.Jobs;

/// <summary>
/// Runs one kind of post-submission job (an email, a notification, a call to another service). Register it with
/// <c>AddJobHandler&lt;THandler&gt;(kind)</c> on the runtime builder; it is resolved from dependency injection in a
/// scope of its own for every attempt.
/// </summary>
/// <remarks>
/// Jobs run at least once: a worker that crashes after the work but before marking the job done makes another
/// worker run it again, so a handler must be idempotent (use <see cref="JobContext.IdempotencyKey"/> when calling
/// other services). Throwing fails the attempt; it is retried with back-off until the maximum number of attempts.
/// </remarks>
public interface IJobHandler
{
    /// <summary>Does the job's work. <paramref name="cancellationToken"/> fires when the service stops or the job's lease runs out.</summary>
    Task RunAsync(JobContext context, CancellationToken cancellationToken);
}
