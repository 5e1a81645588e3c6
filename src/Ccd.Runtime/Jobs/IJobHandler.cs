namespace Ccd.Runtime.Jobs;

/// <summary>
/// Runs one type of post-submission job (an email, a notification, a call to another service): a handler enqueues a
/// <typeparamref name="TJob"/> with <c>EventContext.EnqueueJob(job, name)</c> and the worker hands it, read back from
/// its stored JSON, to this handler. Register it with <c>AddJobHandler&lt;THandler&gt;()</c> on the runtime builder; it
/// is resolved from dependency injection in a scope of its own for every attempt.
/// </summary>
/// <typeparam name="TJob">
/// The job: a record or class serialised with the runtime's JSON settings (camelCase members, nulls left out). Its
/// stored kind is the type's name unless the registration names one; an added member must be optional, because
/// jobs stored before the change are read into the new type.
/// </typeparam>
/// <remarks>
/// Jobs run at least once: a worker that crashes after the work but before marking the job done makes another
/// worker run it again, so a handler must be idempotent (use <see cref="JobContext.IdempotencyKey"/> when calling
/// other services). Throwing fails the attempt; it is retried with back-off until the maximum number of attempts.
/// </remarks>
public interface IJobHandler<in TJob>
    where TJob : class
{
    /// <summary>Does the job's work. <paramref name="cancellationToken"/> fires when the service stops or the job's lease runs out.</summary>
    /// <param name="job">The job as it was enqueued.</param>
    /// <param name="context">The job's id, key, case and attempt.</param>
    /// <param name="cancellationToken">Fires when the service stops or the job's lease runs out.</param>
    Task RunAsync(TJob job, JobContext context, CancellationToken cancellationToken);
}
