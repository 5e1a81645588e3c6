using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Persistence;
using Ccd.Runtime.Problems;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ccd.Runtime.Submission;

/// <summary>The service's own events, through <see cref="EventCommit"/> like CCD's submits.</summary>
internal sealed class CcdEventSubmitter(
    NpgsqlDataSource dataSource,
    CaseTypeCatalog catalog,
    TimeProvider time,
    CaseGate gate,
    IServiceScopeFactory scopes) : ICcdEventSubmitter
{
    // A minted reference that already exists is re-drawn; with 10^15 references a second clash means something is wrong.
    private const int MintAttempts = 5;

    public async Task<ServiceEventResult> SubmitAsync(
        string caseTypeId, string eventId, long? reference, CcdUser user,
        Func<ServiceEventContext, Task<ServiceEventOutcome>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(body);
        if (!catalog.TryGet(caseTypeId, out var caseType))
        {
            throw new InvalidOperationException($"Case type {caseTypeId} is not declared.");
        }

        if (!caseType.Events.TryGetValue(eventId, out var definition))
        {
            throw new InvalidOperationException($"Event {eventId} is not declared on case type {caseTypeId}.");
        }

        await using var scope = scopes.CreateAsyncScope();
        // A new case's reference is minted under its lock below; only updates queue at the gate.
        using var turn = reference is { } known ? await gate.EnterAsync(known, cancellationToken) : default(CaseGate.Turn?);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (caseReference, existing) = await LockAsync(connection, transaction, reference, cancellationToken);
        if (existing is not null && existing.Revision == int.MaxValue)
        {
            return Refused(caseReference, existing, [EventCommit.RevisionsExhausted], []);
        }

        var now = WireFormat.ToDatabase(time.GetUtcNow());
        var jobs = new List<PendingJob>();
        var core = new EventContextCore(caseReference, existing is null, new CcdEventDetails(caseTypeId, eventId, definition.Name, null, null),
            user, connection, transaction, now, jobs);
        var renderedBefore = existing is null
            ? null
            : await caseType.RenderAsync(scope.ServiceProvider, caseReference, existing.State, existing.Data, connection, transaction, cancellationToken);
        var outcome = await body(new ServiceEventContext(core, existing?.State, existing?.Data));
        if (outcome.Refused)
        {
            return Refused(caseReference, existing, outcome.Errors, outcome.Warnings);
        }

        if (EventCommit.ValidateSignificantItem(outcome.SignificantItem) is { } itemError)
        {
            return Refused(caseReference, existing, [itemError], []);
        }

        var state = outcome.State ?? existing?.State
            ?? throw new InvalidOperationException($"The body of {eventId} must return a State when it creates a case.");
        if (!caseType.IsKnownState(state))
        {
            throw new InvalidOperationException($"'{state}' is not a state of case type {caseTypeId}.");
        }

        var plan = new EventPlan
        {
            CaseType = caseType,
            Event = definition,
            Reference = caseReference,
            Existing = existing,
            RenderedBefore = renderedBefore,
            State = state,
            Classification = outcome.SecurityClassification ?? existing?.Classification ?? CaseSecurityClassification.Public,
            ResolvedTtl = existing?.ResolvedTtl,
            Blob = outcome.Data ?? existing?.Data ?? [],
            InternalId = null,
            SupplementaryOnCreate = [],
            ExpectedVersion = null, // the service checks its own versions (its REST API's If-Match) before it gets here
            User = new HistoryUser(user.Id, user.FirstName, user.LastName),
            ProxiedBy = null,
            MessageUserId = user.Id,
            Summary = outcome.Summary,
            Description = outcome.Description,
            SignificantItem = outcome.SignificantItem,
            IdempotencyKey = null,
            Fingerprint = null,
            Jobs = jobs,
            Now = now,
        };
        var prepared = await EventCommit.PrepareAsync(plan, scope.ServiceProvider, connection, transaction, cancellationToken);
        await EventCommit.WriteAsync(plan, prepared, responseBody: null, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var after = prepared.After;
        return new ServiceEventResult(true, caseReference, after.Revision, after.Version, after.State, [], []);
    }

    private static async Task<(long Reference, StoredCase? Existing)> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long? reference, CancellationToken cancellationToken)
    {
        if (reference is { } given)
        {
            var existing = await CaseLock.LockAndLoadAsync(connection, transaction, given, cancellationToken);
            return existing is null || existing.Removed
                ? throw ProblemException.NotFound($"Case {given} does not exist.")
                : (given, existing);
        }

        for (var attempt = 0; attempt < MintAttempts; attempt++)
        {
            var minted = CaseReference.Mint();
            if (await CaseLock.LockAndLoadAsync(connection, transaction, minted, cancellationToken) is null)
            {
                return (minted, null);
            }
        }

        throw new InvalidOperationException($"No unused case reference was found in {MintAttempts} attempts.");
    }

    private static ServiceEventResult Refused(long reference, StoredCase? existing, IReadOnlyList<string> errors, IReadOnlyList<string> warnings) =>
        new(false, reference, existing?.Revision ?? 0, existing?.Version ?? 0, existing?.State, errors, warnings);
}
