using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;
using Ccd.Runtime.Store;
using Npgsql;

namespace Ccd.Runtime.Writing;

/// <summary>
/// The shared second half of every event, from CCD or from the service: render the case view, decide version and
/// revision (SPEC 2.4 step 4), refuse a stale version, and write the case, history, search queue, outbox and jobs.
/// </summary>
internal static class EventCommit
{
    /// <summary>The case after the event and what CCD sees of it.</summary>
    public sealed record Prepared(StoredCase After, JsonObject Rendered, bool BlobChanged, bool SupplementaryChanged);

    /// <summary>The error a refused event answers when the case has used up its 32-bit revisions (CCD stores them in an int).</summary>
    public const string RevisionsExhausted = "This case cannot take more changes: it has reached the largest revision CCD can store.";

    /// <summary>Checks a significant item as CCD's history needs it; returns the error to answer, or null.</summary>
    public static string? ValidateSignificantItem((string Description, string Url)? significantItem)
    {
        if (significantItem is not { } item)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(item.Description) || item.Description.Length > 64)
        {
            return "Significant item description must be 1 to 64 characters.";
        }

        return Uri.TryCreate(item.Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? null
            : "Significant item URL is not valid.";
    }

    /// <summary>Renders the case after the event and computes the new row; throws 409 when a changing event carries a stale version.</summary>
    public static async Task<Prepared> PrepareAsync(
        EventPlan plan, IServiceProvider services, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var existing = plan.Existing;
        // A proposed blob equal to the stored one (as JSON values) keeps the stored one, so nothing is rewritten and
        // the answer shows the case exactly as it is stored.
        var blobChanged = existing is null || !JsonNode.DeepEquals(existing.Data, plan.Blob);
        var blob = blobChanged ? plan.Blob : existing!.Data;
        var rendered = await plan.CaseType.RenderAsync(services, plan.Reference, plan.State, blob, connection, transaction, cancellationToken);
        if (existing is null)
        {
            var supplementary = WithServiceId(plan.SupplementaryOnCreate, plan.CaseType);
            var created = new StoredCase(
                plan.Reference, plan.InternalId, plan.CaseType.Jurisdiction, plan.CaseType.Id, plan.State, blob, [], supplementary,
                plan.Classification, Version: 1, Revision: 1, plan.ResolvedTtl, plan.Now, plan.Now, plan.Now, Removed: false);
            return new Prepared(created, rendered, BlobChanged: true, SupplementaryChanged: true);
        }

        // What CCD sees changed: the rendering (compared as JSON values, so key order and spacing do not count, and
        // without the reserved data.TTL), the state, the classification or the resolved TTL. Only such a change moves
        // the version, and only it can conflict.
        var stateChanged = !string.Equals(existing.State, plan.State, StringComparison.Ordinal);
        var changed = stateChanged
            || existing.Classification != plan.Classification
            || existing.ResolvedTtl != plan.ResolvedTtl
            || !ReservedTtl.EqualIgnoringTtl(plan.RenderedBefore, rendered);
        if (changed && plan.ExpectedVersion is { } expected && expected != existing.Version)
        {
            throw ProblemException.Conflict(
                $"The case was changed by another event: case_details.version {expected} is not the current version {existing.Version}.",
                new Dictionary<string, object?> { ["currentVersion"] = existing.Version });
        }

        var after = existing with
        {
            InternalId = plan.InternalId ?? existing.InternalId,
            State = plan.State,
            Data = blob,
            SupplementaryData = WithServiceId(existing.SupplementaryData, plan.CaseType),
            Classification = plan.Classification,
            Version = changed ? existing.Version + 1 : existing.Version,
            Revision = existing.Revision + 1,
            ResolvedTtl = plan.ResolvedTtl,
            LastModified = plan.Now,
            LastStateModifiedDate = stateChanged ? plan.Now : existing.LastStateModifiedDate,
        };
        return new Prepared(after, rendered, blobChanged, !ReferenceEquals(after.SupplementaryData, existing.SupplementaryData));
    }

    private static JsonObject WithServiceId(JsonObject supplementary, CaseTypeDefinition caseType)
    {
        if (caseType.HmctsServiceId is null || supplementary["HMCTSServiceId"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
            && supplementary["HMCTSServiceId"]!.GetValue<string>() == caseType.HmctsServiceId)
        {
            return supplementary;
        }

        var merged = (JsonObject)supplementary.DeepClone();
        merged["HMCTSServiceId"] = caseType.HmctsServiceId;
        return merged;
    }
}
