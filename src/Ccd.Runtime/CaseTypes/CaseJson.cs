using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccd.Runtime.CaseTypes;

/// <summary>How case classes map to CCD's case data: camelCase field ids (or <c>[JsonPropertyName]</c>), nulls left out.</summary>
internal static class CaseJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowDuplicateProperties = false,
    };
}
