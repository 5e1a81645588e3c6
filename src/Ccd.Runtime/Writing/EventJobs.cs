using System.Globalization;
using Ccd.Runtime.Jobs;
using Npgsql;

namespace Ccd.Runtime.Writing;

/// <summary>Writes the jobs a handler enqueued, in the event's transaction (SPEC 2.4 step 8).</summary>
internal static class EventJobs
{
    /// <summary>
    /// Each job's key is the event's idempotency key plus the job's name, so a replayed submit (which never reaches
    /// here) or a repeated enqueue adds nothing. Events without a key (the service's own writes) use the history row's id.
    /// </summary>
    public static async Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EventPlan plan, long eventId, CancellationToken cancellationToken)
    {
        var prefix = plan.IdempotencyKey is { } key
            ? key.ToString("D", CultureInfo.InvariantCulture)
            : "event-" + eventId.ToString(CultureInfo.InvariantCulture);
        foreach (var job in plan.Jobs)
        {
            await JobQueue.EnqueueAsync(connection, transaction, job.Kind, job.Payload, $"{prefix}:{job.Name}", plan.Reference, plan.Now, cancellationToken);
        }
    }
}
