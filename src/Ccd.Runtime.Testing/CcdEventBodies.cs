using System.Globalization;
using System.Text.Json.Nodes;

namespace Ccd.Runtime.Testing;

/// <summary>The submit bodies CCD's data store sends to <c>POST /ccd-persistence/cases</c> (<c>DecentralisedCaseEvent</c>).</summary>
public static class CcdEventBodies
{
    private static long _internalId = 900_000;

    /// <summary>A new random case reference as CCD mints them: 16 digits, the last a Luhn check digit.</summary>
    public static long NewReference() => Ccd.Runtime.Wire.CaseReference.Mint();

    /// <summary>A create: no case before, no revisions, the reference CCD generated, CCD's internal pointer id.</summary>
    public static JsonObject Create(CcdCaseType caseType, long reference, string eventId, string state, JsonObject data, CcdSubmitOptions? options = null)
    {
        options ??= new CcdSubmitOptions();
        return Body(
            caseType,
            before: null,
            Details(caseType, reference, state, version: null, data, options.SupplementaryData ?? []),
            eventId,
            options,
            options.InternalCaseId ?? Interlocked.Increment(ref _internalId));
    }

    /// <summary>
    /// An update of a case the user started at <paramref name="version"/> (CCD sends the start-time version in
    /// <c>case_details.version</c>), proposing <paramref name="data"/> and <paramref name="state"/>.
    /// </summary>
    public static JsonObject Update(CcdCaseType caseType, long reference, string eventId, string state, int version, JsonObject data, CcdSubmitOptions? options = null)
    {
        options ??= new CcdSubmitOptions();
        var before = options.Before?.DeepClone().AsObject() ?? Details(caseType, reference, state, version, [], []);
        return Body(caseType, before, Details(caseType, reference, state, version, data, []), eventId, options, options.InternalCaseId);
    }

    /// <summary>
    /// A submit of <paramref name="eventId"/> from case details already at hand: <paramref name="details"/> is the
    /// proposed case, <paramref name="before"/> the case as CCD read it (null on a create), as a fake of CCD's data
    /// store builds it from a case it read.
    /// </summary>
    public static JsonObject Submit(CcdCaseType caseType, JsonObject? before, JsonObject details, string eventId, CcdSubmitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(caseType);
        options ??= new CcdSubmitOptions();
        return Body(caseType, before, details, eventId, options, options.InternalCaseId);
    }

    /// <summary><c>event_details</c> as CCD sends them: the event, its name, the user's summary and description, and the on-behalf-of user.</summary>
    public static JsonObject EventDetails(CcdCaseType caseType, string eventId, CcdSubmitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(caseType);
        options ??= new CcdSubmitOptions();
        return new JsonObject
        {
            ["case_type"] = caseType.Id,
            ["event_id"] = eventId,
            ["event_name"] = options.EventName ?? eventId,
            ["summary"] = options.Summary,
            ["description"] = options.Description,
            ["proxied_by"] = options.ProxiedBy?.Id,
            ["proxied_by_first_name"] = options.ProxiedBy?.FirstName,
            ["proxied_by_last_name"] = options.ProxiedBy?.LastName,
        };
    }

    /// <summary>
    /// <c>case_details</c> as CCD sends them (id, jurisdiction, case type, state, version, classification, data); the
    /// shape of <see cref="CcdSubmitOptions.Before"/> too.
    /// </summary>
    public static JsonObject CaseDetails(CcdCaseType caseType, long reference, string state, int? version, JsonObject data, JsonObject? supplementary = null)
    {
        ArgumentNullException.ThrowIfNull(caseType);
        ArgumentNullException.ThrowIfNull(data);
        return Details(caseType, reference, state, version, data, supplementary ?? []);
    }

    private static JsonObject Body(CcdCaseType caseType, JsonObject? before, JsonObject details, string eventId, CcdSubmitOptions options, long? internalId) => new()
    {
        ["case_details_before"] = before,
        ["case_details"] = details,
        ["event_details"] = EventDetails(caseType, eventId, options),
        ["resolved_ttl"] = options.ResolvedTtl,
        ["internal_case_id"] = internalId,
        ["start_revision"] = options.StartRevision,
        ["merge_revision"] = options.MergeRevision,
    };

    private static JsonObject Details(CcdCaseType caseType, long reference, string state, int? version, JsonObject data, JsonObject supplementary)
    {
        // CCD writes LocalDateTime without an offset; the runtime uses its own clock, so these are informative.
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = reference,
            ["jurisdiction"] = caseType.Jurisdiction,
            ["case_type_id"] = caseType.Id,
            ["state"] = state,
            ["version"] = version,
            ["security_classification"] = caseType.SecurityClassification,
            ["case_data"] = data.DeepClone(),
            ["data_classification"] = new JsonObject(),
            ["supplementary_data"] = supplementary.DeepClone(),
            ["created_date"] = now,
            ["last_modified"] = now,
            ["last_state_modified_date"] = null,
        };
    }
}
