using Ccd.Runtime.Database;
using Ccd.Runtime.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// One indexing pass: claim a batch under a lease, build its documents, send one bulk request, and write the
/// outcome back. Passes of several workers and replicas run side by side; the queue's locks keep them apart.
/// </summary>
internal sealed class SearchIndexer(
    NpgsqlDataSource dataSource,
    ISearchIndexClient client,
    IOptions<SearchIndexingOptions> options,
    TimeProvider time,
    SearchIndexingMetrics metrics,
    ILogger<SearchIndexer> logger)
{
    // Bulk requests kept for reuse by later passes (one per loop is enough; a few more cover passes run from outside).
    private const int KeptRequests = 8;

    private readonly System.Collections.Concurrent.ConcurrentBag<BulkRequest> _requests = [];
    private long _passes;
    private long _claimed;

    /// <summary>Passes finished so far (claimed something or not); lets tests know the indexer has looked.</summary>
    public long CompletedPasses => Interlocked.Read(ref _passes);

    /// <summary>Queue rows this indexer has claimed so far.</summary>
    public long ClaimedCases => Interlocked.Read(ref _claimed);

    /// <summary>Every pass that ended, however it ended (what the test harness's drain waits on).</summary>
    public PassCounter EndedPasses { get; } = new();

    /// <summary>Claims and processes one batch; returns how many cases it claimed.</summary>
    public async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PassAsync(cancellationToken);
        }
        finally
        {
            EndedPasses.Finished();
        }
    }

    private async Task<int> PassAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var token = Guid.NewGuid();
        var now = Now();
        var claimed = await IndexQueue.ClaimAsync(dataSource, token, now, now.AddSeconds(settings.LeaseSeconds), settings.BatchSize, cancellationToken);
        var count = claimed.Count;
        if (count > 0)
        {
            Interlocked.Add(ref _claimed, count);
            var references = new long[count];
            for (var i = 0; i < count; i++)
            {
                references[i] = claimed[i].Reference;
            }

            var backOff = new BackOff(TimeSpan.FromMilliseconds(settings.BackoffBaseMilliseconds), TimeSpan.FromSeconds(settings.BackoffMaxSeconds));
            BatchResult result;
            try
            {
                var request = _requests.TryTake(out var kept) ? kept : new BulkRequest();
                result = new BatchResult();
                var plans = Build(claimed, request, result);
                // The rows' data is in the body now; let it go before the bulk call, so that collections while the call is
                // in flight do not promote a batch of case data they would then have to collect from an older generation.
                claimed = null!;
                await SendAsync(request, plans, result, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The pass failed as a whole (Elasticsearch unreachable, slow past the timeout, an answer that breaks the
                // bulk contract, a bug): a loop fault. The claimed cases are handed back at once with the error, and the
                // supervisor logs, counts and pauses the loop; its pause is the one back-off of such failures.
                await IndexQueue.ReleaseAsync(dataSource, token, references, ExceptionText.Describe(exception), cancellationToken);
                metrics.Failed(count);
                throw;
            }

            await IndexQueue.CompleteAsync(dataSource, token, result, Now(), backOff, cancellationToken);
            metrics.Record(result);
        }

        Interlocked.Increment(ref _passes);
        return count;
    }

    /// <summary>Writes the claimed cases' items into <paramref name="request"/>; what each case sent, in body order.</summary>
    private List<(long Reference, int Revision, int First, int Count)> Build(IReadOnlyList<QueuedCase> claimed, BulkRequest request, BatchResult result)
    {
        var plans = new List<(long Reference, int Revision, int First, int Count)>(claimed.Count);
        foreach (var queued in claimed)
        {
            var first = request.Count;
            int? revision;
            try
            {
                request.BeginCase();
                revision = Plan(queued, request, result);
                request.CommitCase();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A case whose documents cannot be built will not build next time either: an operator must look,
                // and the rest of the batch goes on (the case's items were written aside and are dropped).
                request.BeginCase();
                var at = queued.Case?.Revision ?? queued.QueuedRevision;
                logger.LogError(exception, "Search indexing: the documents of case {Reference} could not be built; it is dead-lettered.", queued.Reference);
                result.DeadLetters.Add((queued.Reference, at, CaseDocuments.CaseIndex(queued.Case?.CaseTypeId ?? queued.Removed?.CaseTypeId ?? "unknown"),
                    "documents could not be built: " + ExceptionText.Describe(exception)));
                result.Done.Add((queued.Reference, at));
                continue;
            }

            if (revision is { } sent)
            {
                plans.Add((queued.Reference, sent, first, request.Count - first));
            }
        }

        return plans;
    }

    private async Task SendAsync(BulkRequest request, List<(long Reference, int Revision, int First, int Count)> plans, BatchResult result, CancellationToken cancellationToken)
    {
        if (request.Count == 0)
        {
            Keep(request);
            return;
        }

        // Only an answered request gives its buffers back for reuse: after a failure (a timeout, say) the transport
        // might still hold the body, so that request is left to the garbage collector.
        var outcomes = await client.BulkAsync(request, cancellationToken);
        foreach (var plan in plans)
        {
            Classify(plan.Reference, plan.Revision, request, outcomes, plan.First, plan.Count, result);
        }

        Keep(request);
    }

    private void Keep(BulkRequest request)
    {
        if (request.Reusable && _requests.Count < KeptRequests)
        {
            request.Clear();
            _requests.Add(request);
        }
        else
        {
            request.Dispose();
        }
    }

    /// <summary>Adds the case's items; returns the revision they carry, or null when the case was settled without any.</summary>
    private int? Plan(QueuedCase queued, BulkRequest request, BatchResult result)
    {
        var row = queued.Case;
        if (row is { IsRemoved: false })
        {
            if (queued.History is null)
            {
                // Nothing rendered to index (history missing at or below the revision): an operator must look.
                result.DeadLetters.Add((queued.Reference, row.Revision, CaseDocuments.CaseIndex(row.CaseTypeId),
                    $"no history row at or below revision {row.Revision}"));
                result.Done.Add((queued.Reference, row.Revision));
                return null;
            }

            CaseDocuments.Add(request, queued.Reference, row, queued.History);
            return row.Revision;
        }

        // Removed (soft-deleted, or disposed and gone): delete from both indexes. The tombstone names the index
        // and _id even when the row is gone; its revision is above every revision ever indexed for the case.
        var caseTypeId = queued.Removed?.CaseTypeId ?? row?.CaseTypeId;
        if (caseTypeId is null)
        {
            logger.LogWarning("Search indexing: queued case {Reference} no longer exists and left no removal record; nothing to delete.", queued.Reference);
            result.Done.Add((queued.Reference, queued.QueuedRevision));
            return null;
        }

        var documentId = queued.Removed?.DocumentId ?? CaseDocuments.DocumentId(row!.Id, queued.Reference);
        var version = Math.Max(queued.Removed?.Revision ?? 0, Math.Max(row?.Revision ?? 0, queued.QueuedRevision));
        request.Delete(CaseDocuments.CaseIndex(caseTypeId), documentId, version);
        request.Delete(CaseDocuments.GlobalSearchIndex, documentId, version);
        return version;
    }

    private static void Classify(long reference, int revision, BulkRequest request, IReadOnlyList<BulkItemOutcome> outcomes, int first, int count, BatchResult result)
    {
        string? retry = null;
        for (var i = first; i < first + count; i++)
        {
            var operation = request[i];
            var outcome = outcomes[i];
            switch (Classify(operation.Action, outcome.Status))
            {
                case ItemOutcome.Done:
                    result.Successes.Add((reference, revision, operation.Index));
                    if (operation.Action == BulkAction.Index)
                    {
                        result.DocumentsIndexed++;
                    }
                    else
                    {
                        result.DocumentsDeleted++;
                    }

                    break;
                case ItemOutcome.DeadLetter:
                    result.DeadLetters.Add((reference, revision, operation.Index, $"{operation.Index}: {outcome.Status} {outcome.Error}".TrimEnd()));
                    break;
                default:
                    retry ??= $"{operation.Index}: {outcome.Status} {outcome.Error}".TrimEnd();
                    break;
            }
        }

        if (retry is null)
        {
            result.Done.Add((reference, revision));
        }
        else
        {
            result.Retries.Add((reference, retry));
        }
    }

    /// <summary>2xx or 409 (a newer version is already there) is done; 400/404 will never succeed; the rest is transient.
    /// A delete answered 404 found nothing to delete, which is what it wanted.</summary>
    internal static ItemOutcome Classify(BulkAction action, int status) => status switch
    {
        >= 200 and < 300 or 409 => ItemOutcome.Done,
        404 when action == BulkAction.Delete => ItemOutcome.Done,
        400 or 404 => ItemOutcome.DeadLetter,
        _ => ItemOutcome.Retry,
    };

    private DateTime Now() => DatabaseClock.Now(time);
}

internal enum ItemOutcome
{
    Done,
    DeadLetter,
    Retry,
}
