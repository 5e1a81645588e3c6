using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Npgsql;

namespace Ccd.Runtime.Store;

/// <summary>One row of <c>ccd.case_data</c>.</summary>
internal sealed record StoredCase(
    long Reference,
    long? InternalId,
    string Jurisdiction,
    string CaseTypeId,
    string State,
    JsonObject Data,
    JsonObject DataClassification,
    JsonObject SupplementaryData,
    CaseSecurityClassification Classification,
    int Version,
    int Revision,
    DateOnly? ResolvedTtl,
    DateTime CreatedDate,
    DateTime LastModified,
    DateTime LastStateModifiedDate,
    bool Removed)
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = """
        reference, id, jurisdiction, case_type_id, state, data::text, data_classification::text, supplementary_data::text,
        security_classification::text, version, revision, resolved_ttl, created_date, last_modified, last_state_modified_date,
        removed_at IS NOT NULL
        """;

    public static StoredCase Read(NpgsqlDataReader reader) => StoredCaseText.Read(reader).Parse();

    public static JsonObject ParseObject(string json) => JsonNode.Parse(json)?.AsObject() ?? [];

    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8Json) => JsonNode.Parse(utf8Json)?.AsObject() ?? [];
}
