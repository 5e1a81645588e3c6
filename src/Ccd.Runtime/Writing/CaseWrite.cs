using System.Text.Json.Nodes;
using Ccd.Runtime.Problems;
using Ccd.Runtime.SearchIndexing;
using Ccd.Runtime.Store;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Runtime.Writing;

/// <summary>
/// One write in progress on a locked case (see <see cref="CaseWritePipeline"/>): the case as loaded under the lock,
/// the open transaction, and the only methods that write <c>ccd.*</c>. Each of them completes the write, so the
/// pipeline commits it.
/// </summary>
internal sealed class CaseWrite
{
    private const string SupplementarySql = """
        UPDATE ccd.case_data SET supplementary_data = @supplementary_data, revision = @revision, last_modified = @now
        WHERE reference = @reference
        """;

    // Everything the store holds for the case except the search queue row and its tombstone, which carry the
    // deletion of its documents to the indexes (CaseRemoval queued it just before).
    private const string DisposeSql = """
        DELETE FROM ccd.case_event_significant_items WHERE case_event_id IN (SELECT id FROM ccd.case_event WHERE case_reference = @reference);
        DELETE FROM ccd.case_event WHERE case_reference = @reference;
        DELETE FROM ccd.message_queue_candidates WHERE reference = @reference;
        DELETE FROM ccd.jobs WHERE case_reference = @reference;
        DELETE FROM ccd.es_dead_letter_queue WHERE reference = @reference;
        DELETE FROM ccd.case_data WHERE reference = @reference;
        """;

    private readonly TimeProvider _time;

    internal CaseWrite(
        CaseWritePipeline pipeline, long reference, StoredCase? stored, CaseLock.StoredKey? storedKey,
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime now, TimeProvider time, CancellationToken cancellationToken)
    {
        Pipeline = pipeline;
        Reference = reference;
        Stored = stored;
        StoredKey = storedKey;
        Connection = connection;
        Transaction = transaction;
        Now = now;
        _time = time;
        CancellationToken = cancellationToken;
    }

    public CaseWritePipeline Pipeline { get; }

    public long Reference { get; }

    /// <summary>The case row as loaded under the lock; null when there is none.</summary>
    public StoredCase? Stored { get; }

    /// <summary>The event already committed under the write's idempotency key, when one was given and found.</summary>
    public CaseLock.StoredKey? StoredKey { get; }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>The write's time (UTC, millisecond precision).</summary>
    public DateTime Now { get; }

    /// <summary>The caller's cancellation linked with the time budget.</summary>
    public CancellationToken CancellationToken { get; }

    public bool Completed { get; private set; }

    /// <summary>True when the case exists and is not removed.</summary>
    public bool IsLive => Stored is { Removed: false };

    /// <summary>True when the case can take <paramref name="revisions"/> more revisions (CCD stores them in an int).</summary>
    public bool HasRevisionsFor(int revisions) => Stored is null || Stored.Revision <= int.MaxValue - revisions;

    /// <summary>Commits what the writer's own step wrote, without a write to <c>ccd.*</c>.</summary>
    public void Complete() => Completed = true;

    /// <summary>True when the transaction was committed by the write itself (see <see cref="WriteEventAsync"/>'s <c>last</c>).</summary>
    public bool Committed { get; private set; }

    /// <summary>Renders, decides version and revision, and writes the event (case row, history, queue, outbox, jobs).</summary>
    /// <param name="plan">What the event decided.</param>
    /// <param name="services">Resolves the case view.</param>
    /// <param name="answer">The answer to store with the event for a replay, built from the case after it.</param>
    /// <param name="last">
    /// True when the step writes nothing after the event: when the event enqueues no jobs, the transaction's
    /// <c>COMMIT</c> then goes in the event's own batch, saving the pipeline's commit round trip. A failure anywhere
    /// in the batch (the commit included) still throws and leaves nothing written.
    /// </param>
    public async Task<EventCommit.Prepared> WriteEventAsync(EventPlan plan, IServiceProvider services, Func<EventCommit.Prepared, byte[]?> answer, bool last = false)
    {
        var prepared = await EventCommit.PrepareAsync(plan, services, Connection, Transaction, CancellationToken);
        var commit = last && plan.Jobs.Count == 0;
        var eventId = await EventWriter.WriteAsync(Connection, Transaction, plan, prepared, answer(prepared), commit, CancellationToken);
        await EventJobs.EnqueueAsync(Connection, Transaction, plan, eventId, services, CancellationToken);
        Completed = true;
        Committed = commit;
        return prepared;
    }

    /// <summary>Stores new supplementary data as a new revision without an event, and queues the case for indexing.</summary>
    public async Task WriteSupplementaryAsync(JsonObject updated)
    {
        var stored = RequireStored();
        await using (var batch = new NpgsqlBatch(Connection, Transaction))
        {
            var write = new NpgsqlBatchCommand(SupplementarySql);
            write.Parameters.Add(new NpgsqlParameter("supplementary_data", NpgsqlDbType.Jsonb) { Value = updated.ToJsonString() });
            AddCommon(write, stored.Revision + 1);
            batch.BatchCommands.Add(write);
            batch.BatchCommands.Add(EventWriter.EnqueueSearch(Reference, stored.Revision + 1, Now));
            await batch.ExecuteNonQueryAsync(CancellationToken);
        }

        Completed = true;
    }

    /// <summary>Removes the case from CCD's view and the indexes (the row stays); see <see cref="CaseRemoval"/>.</summary>
    public async Task RemoveAsync()
    {
        await CaseRemoval.RemoveAsync(Connection, Transaction, Reference, _time, CancellationToken);
        Completed = true;
    }

    /// <summary>Disposes of the case: removes it from the indexes, then deletes everything the store holds for it.</summary>
    public async Task DisposeOfAsync()
    {
        await CaseRemoval.RemoveAsync(Connection, Transaction, Reference, _time, CancellationToken);
        await using (var delete = new NpgsqlCommand(DisposeSql, Connection, Transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = Reference });
            await delete.ExecuteNonQueryAsync(CancellationToken);
        }

        Completed = true;
    }

    private StoredCase RequireStored() =>
        IsLive ? Stored! : throw ProblemException.NotFound($"Case {Reference} does not exist.");

    private void AddCommon(NpgsqlBatchCommand command, int revision)
    {
        command.Parameters.Add(new NpgsqlParameter<long>("reference", NpgsqlDbType.Bigint) { TypedValue = Reference });
        command.Parameters.Add(new NpgsqlParameter<int>("revision", NpgsqlDbType.Integer) { TypedValue = revision });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.Timestamp) { TypedValue = Now });
    }
}
