using System.Globalization;
using Ccd.Runtime.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ccd.Runtime.Writing;

/// <summary>Writes the jobs a handler enqueued, in the event's transaction (SPEC 2.4 step 8).</summary>
internal static class EventJobs
{
    /// <summary>
    /// Each job is stored under the kind registered for its type. Its key is the event's idempotency key plus the
    /// job's name, so a replayed submit (which never reaches here) or a repeated enqueue adds nothing. Events without
    /// a key (the service's own writes) use the history row's id.
    /// </summary>
    /// <exception cref="InvalidOperationException">A job's type has no handler: the event fails and writes nothing, rather than leave a job no worker can run.</exception>
    public static async Task EnqueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, EventPlan plan, long eventId, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (plan.Jobs.Count == 0)
        {
            return;
        }

        var kinds = services.GetRequiredService<JobKinds>();
        var prefix = plan.IdempotencyKey is { } key
            ? key.ToString("D", CultureInfo.InvariantCulture)
            : "event-" + eventId.ToString(CultureInfo.InvariantCulture);
        foreach (var job in plan.Jobs)
        {
            var registration = kinds.ForType(job.JobType) ?? throw new InvalidOperationException(
                $"Case type {plan.CaseType.Id}, event {plan.Event.Id}: job '{job.Name}' is a {job.JobType.Name}, which has no job handler; " +
                $"register one with AddJobHandler<THandler>() (THandler implementing IJobHandler<{job.JobType.Name}>). The event was not written.");
            await JobQueue.EnqueueAsync(connection, transaction, registration.Kind, job.Payload, $"{prefix}:{job.Name}", plan.Reference, plan.Now, cancellationToken);
        }
    }
}
