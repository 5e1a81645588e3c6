using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Database;
using Ccd.Runtime.Persistence;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ccd.Runtime.Submission;

/// <summary>
/// A submit from CCD (<c>POST /ccd-persistence/cases</c>), run as one database transaction, every step of SPEC 2.4:
/// case lock, idempotency, handler, case row, history, search queue, outbox, jobs, then commit and answer.
/// </summary>
internal sealed class CcdSubmission(
    NpgsqlDataSource dataSource,
    CaseTypeCatalog catalog,
    TimeProvider time,
    CaseGate gate,
    IOptions<SubmissionOptions> options)
{
    /// <summary>The HTTP status and the exact body to answer.</summary>
    public sealed record Answer(int Status, byte[] Body, string Outcome);

    public async Task<Answer> SubmitAsync(SubmitRequest request, Guid key, CcdUser authenticated, IServiceProvider services, CancellationToken cancellationToken)
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

    private async Task<Answer> SubmitCheckedAsync(SubmitRequest request, Guid key, CcdUser authenticated, IServiceProvider services, CancellationToken cancellationToken)
    {
        var checkedRequest = Validate(request);
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.TimeoutSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            return await RunAsync(checkedRequest, key, authenticated, services, linked.Token);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ProblemException(503, "submit-timeout", "The submit took too long.",
                $"The submit did not finish within {options.Value.TimeoutSeconds} seconds and was rolled back; nothing was written.");
        }
        catch (PostgresException exception) when (DatabaseErrors.IsUniqueViolation(exception, "case_event_idempotency_key_unique"))
        {
            // A concurrent duplicate (on another case, or another replica) committed this key first; it is visible now.
            var stored = await CaseLock.FindKeyAsync(dataSource, key, cancellationToken)
                ?? throw new InvalidOperationException("The idempotency key was taken but its event cannot be read.");
            return Replay(stored, checkedRequest.Fingerprint);
        }
        catch (PostgresException exception) when (DatabaseErrors.IsUniqueViolation(exception, "case_data_id_key"))
        {
            throw ProblemException.BadRequest("internal_case_id", $"internal_case_id {request.InternalCaseId} already belongs to another case.");
        }
    }

    private async Task<Answer> RunAsync(CheckedRequest request, Guid key, CcdUser authenticated, IServiceProvider services, CancellationToken cancellationToken)
    {
        using var turn = await gate.EnterAsync(request.Reference, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (existing, storedKey) = await CaseLock.LockAndLoadAsync(connection, transaction, request.Reference, key, cancellationToken);
        if (storedKey is not null)
        {
            return Replay(storedKey, request.Fingerprint);
        }

        CheckAgainstStored(request, existing);
        if (existing is not null && existing.Revision == int.MaxValue)
        {
            return Refusal(new RuntimeRefusal(EventCommit.RevisionsExhausted));
        }

        var (user, proxiedBy) = Actors(request.Raw.EventDetails!, authenticated);
        var jobs = new List<PendingJob>();
        var now = WireFormat.ToDatabase(time.GetUtcNow());
        var core = new EventContextCore(
            request.Reference, existing is null, request.Details,
            new CcdUser(user.Id, user.FirstName, user.LastName, authenticated.Roles, authenticated.Courts),
            connection, transaction, now, jobs);

        var renderedBefore = existing is null
            ? null
            : await request.CaseType.RenderAsync(services, existing.Reference, existing.State, existing.Data, connection, transaction, cancellationToken);
        var outcome = await request.CaseType.HandleAsync(services, request.Event, new HandlerInput(
            core, request.Raw.CaseDetailsBefore?.CaseData, existing?.State, request.Proposed, request.ProposedState, existing?.Data ?? []), cancellationToken);
        var result = outcome.Result;
        if (result.Refused)
        {
            return Refusal(result);
        }

        if (EventCommit.ValidateSignificantItem(result.SignificantItem) is { } itemError)
        {
            return Refusal(new RuntimeRefusal(itemError));
        }

        var plan = new EventPlan
        {
            CaseType = request.CaseType,
            Event = request.Event,
            Reference = request.Reference,
            Existing = existing,
            RenderedBefore = renderedBefore,
            State = outcome.State,
            Classification = result.SecurityClassification ?? request.Classification,
            ResolvedTtl = request.Raw.ResolvedTtl,
            Blob = outcome.Blob,
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
            Now = now,
        };
        var prepared = await EventCommit.PrepareAsync(plan, services, connection, transaction, cancellationToken);
        var body = SuccessBody(prepared, new CaseDetailsJson.Confirmation(result.ConfirmationHeader, result.ConfirmationBody));
        await EventCommit.WriteAsync(plan, prepared, body, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Answer(201, body, existing is null ? "created" : "updated");
    }

    private static Answer Replay(CaseLock.StoredKey stored, string fingerprint)
    {
        if (!string.Equals(stored.Fingerprint, fingerprint, StringComparison.Ordinal) || stored.ResponseBody is null)
        {
            throw new ProblemException(422, "idempotency-key-reused", "The idempotency key was used for another request.",
                "Idempotency-Key was already used for an event on another case, case type or event; use a new key.");
        }

        return new Answer(200, stored.ResponseBody, "replayed");
    }

    /// <summary>On create the reference must be new (a replay was already ruled out); on update the case must exist and match.</summary>
    private static void CheckAgainstStored(CheckedRequest request, StoredCase? existing)
    {
        if (request.IsCreate)
        {
            if (existing is not null)
            {
                throw ProblemException.Conflict($"Case {request.Reference} already exists; it was created by another request.");
            }

            return;
        }

        if (existing is null || existing.Removed)
        {
            throw ProblemException.NotFound($"Case {request.Reference} does not exist.");
        }

        if (!string.Equals(existing.CaseTypeId, request.CaseType.Id, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest("event_details.case_type", $"Case {request.Reference} is of case type {existing.CaseTypeId}, not {request.CaseType.Id}.");
        }

        if (existing.InternalId is { } stored && request.Raw.InternalCaseId is { } given && stored != given)
        {
            throw ProblemException.BadRequest("internal_case_id", $"internal_case_id {given} differs from the stored internal id of case {request.Reference}.");
        }
    }

    /// <summary>
    /// Who the history names. On a proxied submit CCD names the on-behalf-of user in <c>proxied_by*</c>; history
    /// records that user in <c>user_*</c> and the authenticated caller in <c>proxied_by*</c>.
    /// </summary>
    private static (HistoryUser User, HistoryUser? ProxiedBy) Actors(EventDetailsInput details, CcdUser authenticated)
    {
        var caller = new HistoryUser(authenticated.Id, authenticated.FirstName, authenticated.LastName);
        return string.IsNullOrWhiteSpace(details.ProxiedBy)
            ? (caller, null)
            : (new HistoryUser(details.ProxiedBy, details.ProxiedByFirstName ?? string.Empty, details.ProxiedByLastName ?? string.Empty), caller);
    }

    private CheckedRequest Validate(SubmitRequest request)
    {
        var details = request.CaseDetails ?? throw ProblemException.BadRequest("case_details", "case_details is required.");
        var eventDetails = request.EventDetails ?? throw ProblemException.BadRequest("event_details", "event_details is required.");
        var reference = CaseReference.Require(details.Id, "case_details.id");
        var caseTypeId = eventDetails.CaseType ?? details.CaseTypeId
            ?? throw ProblemException.BadRequest("event_details.case_type", "event_details.case_type is required.");
        if (!catalog.TryGet(caseTypeId, out var caseType))
        {
            throw ProblemException.BadRequest("event_details.case_type", $"Case type '{caseTypeId}' is not served here.");
        }

        if (details.CaseTypeId is not null && !string.Equals(details.CaseTypeId, caseTypeId, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest("case_details.case_type_id", $"case_details.case_type_id '{details.CaseTypeId}' differs from event_details.case_type '{caseTypeId}'.");
        }

        if (details.Jurisdiction is not null && !string.Equals(details.Jurisdiction, caseType.Jurisdiction, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest("case_details.jurisdiction", $"Case type {caseTypeId} belongs to jurisdiction {caseType.Jurisdiction}, not '{details.Jurisdiction}'.");
        }

        if (eventDetails.EventId is null || !caseType.Events.TryGetValue(eventDetails.EventId, out var definition))
        {
            throw ProblemException.BadRequest("event_details.event_id", $"Event '{eventDetails.EventId}' is not an event of case type {caseTypeId}.");
        }

        if (details.State is null || !caseType.IsKnownState(details.State))
        {
            throw ProblemException.BadRequest("case_details.state", $"'{details.State}' is not a state of case type {caseTypeId}.");
        }

        if (!WireFormat.TryParseClassification(details.SecurityClassification, out var classification))
        {
            throw ProblemException.BadRequest("case_details.security_classification", "case_details.security_classification must be PUBLIC, PRIVATE or RESTRICTED.");
        }

        // The history columns' sizes (CCD's own limits); longer text is the caller's error, not a database failure.
        CheckLength(details.State, 255, "case_details.state");
        CheckLength(eventDetails.Summary, 1024, "event_details.summary");
        CheckLength(eventDetails.Description, 65536, "event_details.description");
        CheckLength(eventDetails.ProxiedBy, 64, "event_details.proxied_by");
        CheckLength(eventDetails.ProxiedByFirstName, 255, "event_details.proxied_by_first_name");
        CheckLength(eventDetails.ProxiedByLastName, 255, "event_details.proxied_by_last_name");

        var isCreate = request.CaseDetailsBefore is null;
        if (!isCreate && details.Version is null)
        {
            throw ProblemException.BadRequest("case_details.version", "case_details.version is required on an update.");
        }

        if (request.CaseDetailsBefore?.Id is { } beforeId && beforeId != reference)
        {
            throw ProblemException.BadRequest("case_details_before.id", "case_details_before.id differs from case_details.id.");
        }

        var eventDetailsOut = new CcdEventDetails(caseTypeId, definition.Id, eventDetails.EventName ?? definition.Name, eventDetails.Summary, eventDetails.Description);
        return new CheckedRequest(request, caseType, definition, reference, isCreate, details.State, classification, details.CaseData ?? [],
            eventDetailsOut, Fingerprint(reference, caseTypeId, definition.Id));
    }

    private static void CheckLength(string? value, int max, string field)
    {
        // PostgreSQL counts characters (code points), so an emoji counts once although it is two UTF-16 units.
        if (value is not null && value.Length > max && value.EnumerateRunes().Count() is var length && length > max)
        {
            throw ProblemException.BadRequest(field, $"{field} must be at most {max} characters; it has {length}.");
        }
    }

    /// <summary>What a key is bound to: the case, case type and event (SPEC 2.4 step 2). CCD re-sends the same request
    /// on a retry, so a key reused for any of these is a different request.</summary>
    private static string Fingerprint(long reference, string caseType, string eventId)
    {
        var text = $"{reference}\n{caseType}\n{eventId}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static byte[] SuccessBody(EventCommit.Prepared prepared, CaseDetailsJson.Confirmation confirmation)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("case_details");
            CaseDetailsJson.Write(writer, prepared.After, prepared.Rendered, confirmation);
            writer.WriteNumber("revision", prepared.After.Revision);
            writer.WriteStartArray("errors");
            writer.WriteEndArray();
            writer.WriteStartArray("warnings");
            writer.WriteEndArray();
            writer.WriteBoolean("ignore_warning", false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A business refusal: 200 with the errors and warnings, nothing written (the transaction is disposed unused).</summary>
    public static Answer Refusal(EventResult result)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNull("case_details");
            writer.WriteNull("revision");
            writer.WriteStartArray("errors");
            foreach (var error in result.Errors)
            {
                writer.WriteStringValue(error);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("warnings");
            foreach (var warning in result.Warnings)
            {
                writer.WriteStringValue(warning);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("ignore_warning", false);
            writer.WriteEndObject();
        }

        return new Answer(200, buffer.WrittenSpan.ToArray(), "rejected");
    }

    private sealed record CheckedRequest(
        SubmitRequest Raw,
        CaseTypeDefinition CaseType,
        EventDefinition Event,
        long Reference,
        bool IsCreate,
        string ProposedState,
        CaseSecurityClassification Classification,
        JsonObject Proposed,
        CcdEventDetails Details,
        string Fingerprint);
}
