using Ccd.Runtime.CaseTypes;
using Npgsql;

namespace Ccd.Runtime.Store;

/// <summary>
/// One row of <c>ccd.case_data</c> read with <see cref="StoredCase.Columns"/>, its JSON columns kept as the UTF-8
/// text PostgreSQL sent (valid JSON with unique keys), so a read that shows them unchanged never parses them, nor
/// transcodes them to a string and back.
/// </summary>
internal sealed record StoredCaseText(
    long Reference,
    long? InternalId,
    string Jurisdiction,
    string CaseTypeId,
    string State,
    byte[] Data,
    byte[] DataClassification,
    byte[] SupplementaryData,
    CaseSecurityClassification Classification,
    int Version,
    int Revision,
    DateOnly? ResolvedTtl,
    DateTime CreatedDate,
    DateTime LastModified,
    DateTime LastStateModifiedDate,
    bool Removed)
{
    public static StoredCaseText Read(NpgsqlDataReader reader)
    {
        if (!ClassificationText.TryParse(reader.GetString(8), out var classification))
        {
            throw new InvalidOperationException($"Case {reader.GetInt64(0)} has an unknown security classification.");
        }

        return new StoredCaseText(
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetInt64(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetFieldValue<byte[]>(5),
            reader.GetFieldValue<byte[]>(6),
            reader.GetFieldValue<byte[]>(7),
            classification,
            reader.GetInt32(9),
            reader.GetInt32(10),
            reader.IsDBNull(11) ? null : reader.GetFieldValue<DateOnly>(11),
            reader.GetDateTime(12),
            reader.GetDateTime(13),
            reader.GetDateTime(14),
            reader.GetBoolean(15));
    }

    /// <summary>The row with its JSON columns parsed.</summary>
    public StoredCase Parse() => new(
        Reference, InternalId, Jurisdiction, CaseTypeId, State,
        StoredCase.ParseObject(Data), StoredCase.ParseObject(DataClassification), StoredCase.ParseObject(SupplementaryData),
        Classification, Version, Revision, ResolvedTtl, CreatedDate, LastModified, LastStateModifiedDate, Removed);
}
