using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Runtime.Authentication;
using Npgsql;

namespace Ccd.Runtime.CaseTypes;

/// <summary>
/// What every handler gets: the case reference, the event, the acting user and the event's open connection and
/// transaction. Write the service's own tables on <see cref="Connection"/> within <see cref="Transaction"/>, so
/// they commit or roll back with the event.
/// </summary>
public abstract class EventContext
{
    private readonly List<PendingJob> _jobs;

    private protected EventContext(EventContextCore core)
    {
        Reference = core.Reference;
        IsCreate = core.IsCreate;
        CaseTypeId = new CaseTypeId(core.Event.CaseTypeId);
        EventId = new EventId(core.Event.EventId);
        EventName = core.Event.EventName;
        Summary = core.Event.Summary;
        Description = core.Event.Description;
        User = core.User;
        OnBehalfOf = core.OnBehalfOf;
        Connection = core.Connection;
        Transaction = core.Transaction;
        Now = new DateTimeOffset(core.Now.Ticks, TimeSpan.Zero); // the database clock's UTC time (its kind is unspecified)
        _jobs = core.Jobs;
    }

    /// <summary>The 16-digit case reference.</summary>
    public long Reference { get; }

    /// <summary>True when the event creates the case.</summary>
    public bool IsCreate { get; }

    /// <summary>The case type of the case.</summary>
    public CaseTypeId CaseTypeId { get; }

    /// <summary>The event being submitted, such as <c>submitApplication</c>.</summary>
    public EventId EventId { get; }

    /// <summary>The event's display name (as CCD sent it, or as declared).</summary>
    public string EventName { get; }

    /// <summary>The summary the user typed for the history, if any (null for a service event).</summary>
    public string? Summary { get; }

    /// <summary>The description the user typed for the history, if any (null for a service event).</summary>
    public string? Description { get; }

    /// <summary>
    /// The authenticated caller (or the system identity for a job's event), whose authority the event runs under:
    /// access decisions use this user's id, roles and courts.
    /// </summary>
    public CcdUser User { get; }

    /// <summary>
    /// The user the caller acts for, when CCD submits by proxy (<c>event_details.proxied_by</c>) or a service event
    /// names one; null otherwise. History records this user as the event's user and <see cref="User"/> as <c>proxied_by</c>.
    /// </summary>
    /// <remarks>Only its id and names are known (its roles and courts are empty).</remarks>
    public CcdUser? OnBehalfOf { get; }

    /// <summary>The event's open connection.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The event's transaction; pass it to every command.</summary>
    public NpgsqlTransaction Transaction { get; }

    /// <summary>
    /// The event's time, in UTC from the application's <see cref="TimeProvider"/> (to the microsecond, as the
    /// database keeps it); the history row carries it.
    /// </summary>
    public DateTimeOffset Now { get; }

    /// <summary>
    /// Enqueues post-submission work (emails, calls to other services) that runs after the event commits, at least
    /// once, by the <see cref="Jobs.IJobHandler{TJob}"/> registered for <typeparamref name="TJob"/>. The job is stored
    /// as JSON with the runtime's settings. <paramref name="name"/> distinguishes the jobs of one event: together with
    /// the event's idempotency key it makes a replayed submit enqueue nothing new.
    /// </summary>
    /// <typeparam name="TJob">The job type; a handler for it must be registered (<c>AddJobHandler</c>), or the event fails and writes nothing.</typeparam>
    /// <param name="job">The job's input.</param>
    /// <param name="name">Unique among this event's jobs, such as <c>notify-applicant</c>.</param>
    public void EnqueueJob<TJob>(TJob job, string name)
        where TJob : class
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _jobs.Add(new PendingJob(typeof(TJob), JsonSerializer.SerializeToNode(job, CaseJson.Options)!, name));
    }
}

/// <summary>A job a handler asked for (its type, which decides its kind, and its JSON), written when the event is written.</summary>
internal sealed record PendingJob(Type JobType, JsonNode Payload, string Name);

/// <summary>The parts of every event context, gathered once by the submission.</summary>
internal sealed record EventContextCore(
    long Reference,
    bool IsCreate,
    CcdEventDetails Event,
    CcdUser User,
    CcdUser? OnBehalfOf,
    NpgsqlConnection Connection,
    NpgsqlTransaction Transaction,
    DateTime Now,
    List<PendingJob> Jobs);
