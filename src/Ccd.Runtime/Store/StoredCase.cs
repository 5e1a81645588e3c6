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

    public static StoredCase Read(NpgsqlDataReader reader)
    {
        if (!ClassificationText.TryParse(reader.GetString(8), out var classification))
        {
            throw new InvalidOperationException($"Case {reader.GetInt64(0)} has an unknown security classification.");
        }

        return new StoredCase(
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetInt64(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            ParseObject(reader.GetString(5)),
            ParseObject(reader.GetString(6)),
            ParseObject(reader.GetString(7)),
            classification,
            reader.GetInt32(9),
            reader.GetInt32(10),
            reader.IsDBNull(11) ? null : reader.GetFieldValue<DateOnly>(11),
            reader.GetDateTime(12),
            reader.GetDateTime(13),
            reader.GetDateTime(14),
            reader.GetBoolean(15));
    }

    public static JsonObject ParseObject(string json) => JsonNode.Parse(json)?.AsObject() ?? [];
}
