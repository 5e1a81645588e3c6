using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Database;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.Writing;

/// <summary>The service's own events, as steps of the <see cref="CaseWritePipeline"/> like CCD's submits.</summary>
internal sealed class CcdEventSubmitter(
    NpgsqlDataSource dataSource, CaseTypeCatalog catalog, CaseWritePipeline pipeline, IServiceScopeFactory scopes, IOptions<SubmissionOptions> options)
    : ICcdEventSubmitter
{
    public async Task<(ServiceEventResult Result, TValue? Value)> SubmitAsync<TValue>(
        ServiceEventRequest request, Func<ServiceEventContext, CancellationToken, Task<(ServiceEventOutcome Outcome, TValue Value)>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        TValue? value = default;
        var result = await SubmitAsync(request, async (context, token) =>
        {
            (var outcome, value) = await body(context, token);
            return outcome;
        }, cancellationToken);
        return (result, value);
    }

    public async Task<ServiceEventResult> SubmitAsync(
        ServiceEventRequest request, Func<ServiceEventContext, CancellationToken, Task<ServiceEventOutcome>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        if (!catalog.TryGet(request.CaseTypeId.Value, out var caseType))
        {
            throw new InvalidOperationException($"Case type {request.CaseTypeId} is not declared.");
        }

        if (!caseType.Events.TryGetValue(request.EventId.Value, out var definition))
        {
            throw new InvalidOperationException($"Event {request.EventId} is not declared on case type {request.CaseTypeId}.");
        }

        var actor = request.Actor ?? SystemUser();
        var fingerprint = request.IdempotencyKey is null ? null : Fingerprint(request, actor);
        var key = request.IdempotencyKey;
        // A create has no case to lock yet, so a repeated create finds its first outcome here instead.
        if (key is { } createKey && request.Reference is null && await CaseLock.FindKeyAsync(dataSource, createKey, cancellationToken) is { } earlier)
        {
            return Replay(earlier, fingerprint!);
        }

        await using var scope = scopes.CreateAsyncScope();
        var step = new Step(request, caseType, definition, actor, fingerprint, body, scope.ServiceProvider);
        try
        {
            return await pipeline.RunAsync(request.Reference, key, step.RunAsync, cancellationToken);
        }
        catch (PostgresException exception) when (key is not null && DatabaseErrors.IsUniqueViolation(exception, "case_event_idempotency_key_unique"))
        {
            // A concurrent repeat committed the key first (a create, or another case): its outcome is visible now.
            var stored = await CaseLock.FindKeyAsync(dataSource, key.Value, cancellationToken)
                ?? throw new InvalidOperationException("The idempotency key was taken but its event cannot be read.");
            return Replay(stored, fingerprint!);
        }
    }

    private CcdUser SystemUser()
    {
        var system = options.Value.SystemUser;
        return system.Id is { Length: > 0 } id
            ? new CcdUser(id, system.FirstName, system.LastName, [], [])
            : throw new InvalidOperationException(
                $"A service event without an actor runs as the system identity, and none is configured ({SubmissionOptions.SectionName}:SystemUser:Id).");
    }

    /// <summary>What a key is bound to: the event, the case (or a create), both identities and the caller's own fingerprint.</summary>
    private static string Fingerprint(ServiceEventRequest request, CcdUser actor)
    {
        var text = string.Join('\n', "service", request.CaseTypeId.Value, request.EventId.Value, request.Reference?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "new",
            actor.Id, request.OnBehalfOf?.Id ?? string.Empty, request.Fingerprint ?? string.Empty);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static ServiceEventResult Replay(CaseLock.StoredKey stored, string fingerprint)
    {
        if (!string.Equals(stored.Fingerprint, fingerprint, StringComparison.Ordinal) || stored.ResponseBody is null)
        {
            throw new ProblemException(422, "idempotency-key-reused", "The idempotency key was used for another request.",
                "The idempotency key was already used for another event, case, user or request; use a new key.");
        }

        var first = JsonSerializer.Deserialize<StoredOutcome>(stored.ResponseBody)
            ?? throw new InvalidOperationException("The stored outcome of a service event cannot be read.");
        return new ServiceEventResult(true, first.Reference, first.Revision, first.Version, new StateId(first.State), [], []) { Replayed = true };
    }

    /// <summary>What a replay returns, stored with the event.</summary>
    private sealed record StoredOutcome(long Reference, int Revision, int Version, string State);

    private sealed record Step(
        ServiceEventRequest Request, CaseTypeDefinition CaseType, EventDefinition Definition, CcdUser Actor, string? Fingerprint,
        Func<ServiceEventContext, CancellationToken, Task<ServiceEventOutcome>> Body, IServiceProvider Services)
    {
        public async Task<ServiceEventResult> RunAsync(CaseWrite write)
        {
            if (write.StoredKey is { } storedKey)
            {
                return Replay(storedKey, Fingerprint!);
            }

            var isCreate = Request.Reference is null;
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
            var core = new EventContextCore(write.Reference, isCreate, new CcdEventDetails(CaseType.Id, Definition.Id, Definition.Name, null, null),
                Actor, Request.OnBehalfOf, write.Connection, write.Transaction, write.Now, jobs);
            var renderedBefore = existing is null
                ? null
                : await CaseType.RenderAsync(Services, write.Reference, existing.State, existing.Data, write.Connection, write.Transaction, cancellationToken);
            var outcome = await Body(new ServiceEventContext(core, StateOf(existing?.State), existing?.Data), cancellationToken);
            if (outcome.Refused())
            {
                return Refused(write.Reference, existing, outcome.Errors, outcome.Warnings);
            }

            if (EventCommit.ValidateSignificantItem(outcome.SignificantItem) is { } itemError)
            {
                return Refused(write.Reference, existing, [itemError], []);
            }

            if (outcome.Unchanged && existing is not null)
            {
                write.Complete(); // the body's own writes, if any; nothing CCD sees changed, so no event
                return new ServiceEventResult(true, write.Reference, existing.Revision, existing.Version, new StateId(existing.State), [], []);
            }

            var state = outcome.State?.Value ?? existing?.State
                ?? throw new InvalidOperationException($"The body of {Definition.Id} must return a State when it creates a case.");
            if (!CaseType.IsKnownState(state))
            {
                throw new InvalidOperationException($"'{state}' is not a state of case type {CaseType.Id}.");
            }

            if (outcome.RemoveCase && !write.HasRevisionsFor(2))
            {
                throw ProblemException.Conflict(EventCommit.RevisionsExhausted);
            }

            var (user, proxiedBy) = HistoryUser.Of(Actor, Request.OnBehalfOf);
            var plan = new EventPlan
            {
                CaseType = CaseType,
                Event = Definition,
                Reference = write.Reference,
                Existing = existing,
                RenderedBefore = renderedBefore,
                State = state,
                Classification = outcome.SecurityClassification ?? existing?.Classification ?? CaseSecurityClassification.Public,
                ResolvedTtl = existing?.ResolvedTtl,
                Blob = ReservedTtl.With(outcome.Data ?? existing?.Data ?? [], ReservedTtl.Of(existing?.Data)), // only CCD sets the TTL
                InternalId = null,
                SupplementaryOnCreate = [],
                ExpectedVersion = null, // the service checks its own versions (its REST API's If-Match) before it gets here
                User = user,
                ProxiedBy = proxiedBy,
                MessageUserId = Actor.Id,
                Summary = outcome.Summary,
                Description = outcome.Description,
                SignificantItem = outcome.SignificantItem,
                IdempotencyKey = Request.IdempotencyKey,
                Fingerprint = Fingerprint,
                Jobs = jobs,
                Now = write.Now,
            };
            var removals = outcome.RemoveCase ? 1 : 0;
            var prepared = await write.WriteEventAsync(plan, Services, after => Fingerprint is null
                ? null
                : JsonSerializer.SerializeToUtf8Bytes(new StoredOutcome(write.Reference, after.After.Revision + removals, after.After.Version, after.After.State)));
            if (outcome.RemoveCase)
            {
                await write.RemoveAsync();
            }

            var final = prepared.After;
            return new ServiceEventResult(true, write.Reference, final.Revision + removals, final.Version, new StateId(final.State), [], []);
        }

        private static ServiceEventResult Refused(long reference, StoredCase? existing, IReadOnlyList<string> errors, IReadOnlyList<string> warnings) =>
            new(false, reference, existing?.Revision ?? 0, existing?.Version ?? 0, StateOf(existing?.State), errors, warnings);

        private static StateId? StateOf(string? state) => state is null ? (StateId?)null : new StateId(state);
    }
}
