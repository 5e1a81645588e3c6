using Adoption.Service.Access;
using Adoption.Service.CaseWrites;
using Npgsql;

namespace Adoption.Service.Api.Cases;

/// <summary>One visible case with its assignments (active and revoked), read in one round trip.</summary>
internal static class GetCase
{
    private const string CaseSql = $"""
        SELECT {CaseRecord.Columns} FROM adoption.cases c WHERE c.id = @id AND {CaseAccessSql.Visible}
        """;

    // The join repeats the predicate so an invisible case yields no assignment rows either.
    private const string AssignmentsSql = $"""
        SELECT a.id, a.user_id, a.role, a.assigned_at, a.assigned_by, a.revoked_at, a.revoked_by
        FROM adoption.case_assignments a
        JOIN adoption.cases c ON c.id = a.case_id
        WHERE a.case_id = @id AND {CaseAccessSql.Visible}
        ORDER BY a.assigned_at, a.id
        """;

    public static async Task<CaseResponse?> ExecuteAsync(NpgsqlDataSource dataSource, Caller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in new[] { CaseSql, AssignmentsSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            caller.AddParameters(command.Parameters);
            command.Parameters.AddWithValue("id", id);
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var record = CaseRecord.Read(reader);
        await reader.NextResultAsync(cancellationToken);
        var assignments = new List<AssignmentView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            assignments.Add(AssignmentView.Read(reader));
        }

        return CaseResponse.From(record, assignments);
    }
}
