using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Persistence;
using Ccd.Runtime.Problems;
using Microsoft.Extensions.DependencyInjection;

namespace Ccd.Runtime.Submission;

/// <summary>The service's own events, as steps of the <see cref="CaseWritePipeline"/> like CCD's submits.</summary>
internal sealed class CcdEventSubmitter(CaseTypeCatalog catalog, CaseWritePipeline pipeline, IServiceScopeFactory scopes) : ICcdEventSubmitter
{
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
        return await pipeline.RunAsync(
            reference, key: null, write => RunAsync(write, reference is null, caseType, definition, user, body, scope.ServiceProvider), cancellationToken);
    }

    private static async Task<ServiceEventResult> RunAsync(
        CaseWrite write, bool isCreate, CaseTypeDefinition caseType, EventDefinition definition, CcdUser user,
        Func<ServiceEventContext, Task<ServiceEventOutcome>> body, IServiceProvider services)
    {
        var existing = write.Stored;
        if (!isCreate && !write.IsLive)
        {
            throw ProblemException.NotFound($"Case {write.Reference} does not exist.");
        }

        if (!write.HasRevisionsFor(1))
        {
            throw ProblemException.Conflict(EventCommit.RevisionsExhausted);
        }

        var cancellationToken = write.CancellationToken;
        var jobs = new List<PendingJob>();
        var core = new EventContextCore(write.Reference, isCreate, new CcdEventDetails(caseType.Id, definition.Id, definition.Name, null, null),
            user, write.Connection, write.Transaction, write.Now, jobs);
        var renderedBefore = existing is null
            ? null
            : await caseType.RenderAsync(services, write.Reference, existing.State, existing.Data, write.Connection, write.Transaction, cancellationToken);
        var outcome = await body(new ServiceEventContext(core, existing?.State, existing?.Data));
        if (outcome.Refused)
        {
            return Refused(write.Reference, existing, outcome.Errors, outcome.Warnings);
        }

        if (EventCommit.ValidateSignificantItem(outcome.SignificantItem) is { } itemError)
        {
            return Refused(write.Reference, existing, [itemError], []);
        }

        var state = outcome.State ?? existing?.State
            ?? throw new InvalidOperationException($"The body of {definition.Id} must return a State when it creates a case.");
        if (!caseType.IsKnownState(state))
        {
            throw new InvalidOperationException($"'{state}' is not a state of case type {caseType.Id}.");
        }

        if (outcome.RemoveCase && !write.HasRevisionsFor(2))
        {
            throw ProblemException.Conflict(EventCommit.RevisionsExhausted);
        }

        var plan = new EventPlan
        {
            CaseType = caseType,
            Event = definition,
            Reference = write.Reference,
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
            Now = write.Now,
        };
        var prepared = await write.WriteEventAsync(plan, services, _ => null);
        var after = prepared.After;
        if (outcome.RemoveCase)
        {
            await write.RemoveAsync();
            after = after with { Revision = after.Revision + 1 };
        }

        return new ServiceEventResult(true, write.Reference, after.Revision, after.Version, after.State, [], []);
    }

    private static ServiceEventResult Refused(long reference, StoredCase? existing, IReadOnlyList<string> errors, IReadOnlyList<string> warnings) =>
        new(false, reference, existing?.Revision ?? 0, existing?.Version ?? 0, existing?.State, errors, warnings);
}
