using Npgsql;

namespace Ccd.Testing;

/// <summary>
/// Writes outbox rows straight into <c>ccd.message_queue_candidates</c>, shaped as SPEC 4.2's
/// <c>message_information</c>, for publisher tests and the publishing benchmark.
/// </summary>
public static class OutboxSeed
{
    /// <summary>The first case reference used; case <c>i</c> is <c>FirstReference + i</c>.</summary>
    public const long FirstReference = 1_000_000_000_000_000;

    // Event g (0-based) belongs to case g % cases and has EventInstanceId firstEventInstanceId + g, so ids and
    // EventInstanceIds grow together and, per case, in the order of insertion (as the case lock makes them).
    private const string InsertSql = """
        INSERT INTO ccd.message_queue_candidates (reference, message_type, time_stamp, message_information)
        SELECT @first_reference + g % @cases,
               'CASE_EVENT',
               @time_stamp,
               jsonb_build_object(
                   'UserId', 'user-1',
                   'JurisdictionId', 'ADOPTION',
                   'CaseTypeId', 'A58',
                   'CaseId', (@first_reference + g % @cases)::text,
                   'EventTimeStamp', to_char(@time_stamp, 'YYYY-MM-DD"T"HH24:MI:SS.US'),
                   'EventInstanceId', @first_event_instance_id + g,
                   'EventId', 'updateCase',
                   'PreviousStateId', 'Submitted',
                   'NewStateId', 'Submitted',
                   'AdditionalData', jsonb_build_object(
                       'Data', jsonb_build_object('applicantName', 'Applicant ' || g),
                       'Definition', jsonb_build_object('applicantName', jsonb_build_object(
                           'originalId', 'applicantName', 'type', 'SimpleText', 'subtype', 'Text', 'typeDef', NULL))))
        FROM generate_series(0, @count - 1) AS g
        ORDER BY g
        """;

    /// <summary>Inserts <paramref name="count"/> unsent events spread round-robin over <paramref name="cases"/> cases.</summary>
    public static async Task InsertAsync(
        NpgsqlDataSource dataSource, int count, int cases, long firstEventInstanceId = 1, DateTime? timeStamp = null)
    {
        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<long>("first_reference", FirstReference));
        command.Parameters.Add(new NpgsqlParameter<int>("cases", cases));
        command.Parameters.Add(new NpgsqlParameter<int>("count", count));
        command.Parameters.Add(new NpgsqlParameter<long>("first_event_instance_id", firstEventInstanceId));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("time_stamp", NpgsqlTypes.NpgsqlDbType.Timestamp)
        {
            TypedValue = DateTime.SpecifyKind(timeStamp ?? DateTime.UtcNow, DateTimeKind.Unspecified),
        });
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }
}
