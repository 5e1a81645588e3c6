using System.Text.Json.Serialization;

namespace Adoption.Service.A58CaseType;

/// <summary>
/// CCD's <c>TTL</c> case field (field type <c>TTL</c>), from which CCD resolves a case's <c>resolved_ttl</c>: the
/// override when set, else the system TTL, none while suspended. Only CCD sets it (its events' TTL increments); the
/// runtime keeps it in the stored case and puts it back into every rendering, so A58's view never renders it.
/// </summary>
internal sealed class CaseTtl
{
    /// <summary>The day CCD's TTL increment computed; <c>ConfirmDisposal</c> (increment 0) sets it to its day.</summary>
    [JsonPropertyName("SystemTTL")]
    public DateOnly? SystemTtl { get; set; }

    /// <summary>A day a user chose instead.</summary>
    [JsonPropertyName("OverrideTTL")]
    public DateOnly? OverrideTtl { get; set; }

    /// <summary>True (CCD's <c>Yes</c>) while disposal is suspended (a legal hold).</summary>
    public bool? Suspended { get; set; }
}
