using Adoption.Service.Access;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Database;
using Npgsql;

namespace Adoption.Service.CaseWrites;

/// <summary>
/// The open transaction of a write (a REST write or a CCD submit, both A58 events), the case's reference, the time
/// it happens at (one instant for every row it writes), the caller, and the runtime's event, through which the write
/// enqueues its post-submission jobs. The audit rows a write records are written with it, before its transaction
/// commits: a write that changes the case and records none is a bug, and fails.
/// </summary>
internal sealed class AdoptionWriteContext(EventContext context, Caller caller, CancellationToken cancellationToken)
{
    private readonly List<AuditEntry> _audit = [];

    public NpgsqlConnection Connection => context.Connection;

    public NpgsqlTransaction Transaction => context.Transaction;

    public long Reference => context.Reference;

    public DateTime Now { get; } = DatabaseClock.ToStored(context.Now.UtcDateTime);

    public Caller Caller => caller;

    public EventContext Event => context;

    public CancellationToken CancellationToken => cancellationToken;

    /// <summary>The case's state after the write, when the write sets it (a create or a status change).</summary>
    public AdoptionState? NewState { get; set; }

    /// <summary>True when the write found nothing to change (a no-op patch): no event is written.</summary>
    public bool Unchanged { get; set; }

    /// <summary>True when the write removes the case from CCD's view (a soft delete); the runtime does the removal.</summary>
    public bool RemoveCase { get; set; }

    public NpgsqlCommand Command(string sql)
    {
        var command = new NpgsqlCommand(sql, Connection, Transaction);
        Caller.AddParameters(command.Parameters);
        return command;
    }

    /// <summary>Records what the caller (for the user it acts for, if any) did to an entity of case <paramref name="caseId"/>, at the write's time.</summary>
    public void Audit(string action, string entity, Guid entityId, Guid caseId, IReadOnlyDictionary<string, object?> details) =>
        _audit.Add(new AuditEntry(Now, Caller.Id, action, entity, entityId, caseId, details) { OnBehalfOf = context.OnBehalfOf?.Id });

    /// <summary>Runs <paramref name="body"/>, then writes the audit rows it recorded, in order, in the write's transaction.</summary>
    public async Task<T> RunAsync<T>(Func<AdoptionWriteContext, Task<T>> body)
    {
        var result = await body(this);
        if (!Unchanged && _audit.Count == 0)
        {
            throw new InvalidOperationException($"The {context.EventId} write changed case {Reference} but recorded no audit row.");
        }

        foreach (var entry in _audit)
        {
            await AuditLog.AppendAsync(Connection, Transaction, entry, CancellationToken);
        }

        return result;
    }
}
