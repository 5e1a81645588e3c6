using System.Diagnostics;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Database;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Store;
using Ccd.Runtime.Telemetry;
using Ccd.Runtime.Wire;
using Npgsql;

namespace Ccd.Runtime.Writing;

/// <summary>
/// A submit from CCD (<c>POST /ccd-persistence/cases</c>), every step of SPEC 2.4, as one step of the
/// <see cref="CaseWritePipeline"/>: idempotency, the fit with the stored case, the handler, then the event's writes.
/// </summary>
internal sealed class CcdSubmission(NpgsqlDataSource dataSource, CaseTypeCatalog catalog, CaseWritePipeline pipeline)
{
    public async Task<SubmitAnswer> SubmitAsync(SubmitRequest request, Guid key, CcdUser authenticated, IServiceProvider services, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var caseType = request.EventDetails?.CaseType is { } id && catalog.TryGet(id, out _) ? id : "unknown";
        var outcome = "failed";
        try
        {
            var answer = await SubmitCheckedAsync(request, key, authenticated, services, cancellationToken);
            outcome = answer.Outcome;
            if (outcome == "replayed")
            {
                SubmissionMetrics.Replayed(caseType);
            }

            return answer;
        }
        catch (ProblemException problem)
        {
            outcome = problem.Status == 409 ? "conflict" : "rejected";
            if (problem.Status == 409)
            {
                SubmissionMetrics.Conflict(caseType);
            }

            throw;
        }
        finally
        {
            SubmissionMetrics.Submitted(caseType, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<SubmitAnswer> SubmitCheckedAsync(SubmitRequest request, Guid key, CcdUser authenticated, IServiceProvider services, CancellationToken cancellationToken)
    {
        var valid = SubmitValidation.Validate(request, catalog);
        try
        {
            return await pipeline.RunAsync(valid.Reference, key, write => RunAsync(write, valid, key, authenticated, services), cancellationToken);
        }
        catch (PostgresException exception) when (DatabaseErrors.IsUniqueViolation(exception, "case_event_idempotency_key_unique"))
        {
            // A concurrent duplicate (on another case, or another replica) committed this key first; it is visible now.
            var stored = await CaseLock.FindKeyAsync(dataSource, key, cancellationToken)
                ?? throw new InvalidOperationException("The idempotency key was taken but its event cannot be read.");
            return SubmitAnswer.Replay(stored, valid.Fingerprint);
        }
        catch (PostgresException exception) when (DatabaseErrors.IsUniqueViolation(exception, "case_data_id_key"))
        {
            throw ProblemException.BadRequest("internal_case_id", $"internal_case_id {request.InternalCaseId} already belongs to another case.");
        }
    }

    private static async Task<SubmitAnswer> RunAsync(CaseWrite write, ValidSubmit request, Guid key, CcdUser authenticated, IServiceProvider services)
    {
        if (write.StoredKey is { } storedKey)
        {
            return SubmitAnswer.Replay(storedKey, request.Fingerprint);
        }

        var existing = write.Stored;
        SubmitValidation.CheckAgainstStored(request, existing);
        if (!write.HasRevisionsFor(1))
        {
            return SubmitAnswer.Refusal(RuntimeResult.Refusal(EventCommit.RevisionsExhausted));
        }

        var details = request.Raw.EventDetails!;
        var onBehalfOf = string.IsNullOrWhiteSpace(details.ProxiedBy)
            ? null
            : new CcdUser(details.ProxiedBy, details.ProxiedByFirstName ?? string.Empty, details.ProxiedByLastName ?? string.Empty, [], []);
        var (user, proxiedBy) = HistoryUser.Of(authenticated, onBehalfOf);
        var jobs = new List<PendingJob>();
        var core = new EventContextCore(
            request.Reference, existing is null, request.Details, authenticated, onBehalfOf, write.Connection, write.Transaction, write.Now, jobs);
        var cancellationToken = write.CancellationToken;
        await StaleEventRules.CheckNotInterleavedAsync(write, request);
        var renderedBefore = existing is null
            ? null
            : await request.CaseType.RenderAsync(services, existing.Reference, existing.State, existing.Data, write.Connection, write.Transaction, cancellationToken);
        var (ttl, resolvedTtl) = StaleEventRules.DecideTtl(request, existing);
        var (proposed, proposedState, classification) = request.Event.Additive && existing is not null
            ? StaleEventRules.Rebase(request, existing, renderedBefore!)
            : (request.Proposed, request.ProposedState, request.Classification);
        var outcome = await request.CaseType.HandleAsync(services, request.Event, new HandlerInput(
            core, request.Raw.CaseDetailsBefore?.CaseData, existing?.State, ReservedTtl.With(proposed, ttl), proposedState, existing?.Data ?? [], renderedBefore),
            cancellationToken);
        var result = outcome.Result;
        if (result.Refused())
        {
            return SubmitAnswer.Refusal(result);
        }

        if (EventCommit.ValidateSignificantItem(result.SignificantItem) is { } itemError)
        {
            return SubmitAnswer.Refusal(RuntimeResult.Refusal(itemError));
        }

        var plan = new EventPlan
        {
            CaseType = request.CaseType,
            Event = request.Event,
            Reference = request.Reference,
            Existing = existing,
            RenderedBefore = renderedBefore,
            State = outcome.State,
            Classification = result.SecurityClassification ?? classification,
            ResolvedTtl = resolvedTtl,
            Blob = ReservedTtl.With(outcome.Blob, ttl), // whatever the handler did to it
            InternalId = request.Raw.InternalCaseId,
            SupplementaryOnCreate = request.Raw.CaseDetails!.SupplementaryData ?? [],
            ExpectedVersion = request.Event.Additive ? null : request.Raw.CaseDetails.Version,
            User = user,
            ProxiedBy = proxiedBy,
            MessageUserId = authenticated.Id,
            Summary = result.Summary ?? request.Details.Summary,
            Description = result.Description ?? request.Details.Description,
            SignificantItem = result.SignificantItem,
            IdempotencyKey = key,
            Fingerprint = request.Fingerprint,
            Jobs = jobs,
            Now = write.Now,
        };
        var confirmation = new CaseDetailsJson.Confirmation(result.ConfirmationHeader, result.ConfirmationBody);
        byte[]? body = null;
        await write.WriteEventAsync(plan, services, prepared => body = SubmitAnswer.SuccessBody(prepared, confirmation), last: true);
        return new SubmitAnswer(201, body!, existing is null ? "created" : "updated");
    }
}
