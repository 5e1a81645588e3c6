using Adoption.Service.Access;
using Adoption.Service.CaseWrites;
using Npgsql;

namespace Adoption.Service.Api.Documents;

/// <summary>The live documents of a visible case; <c>null</c> when the case is not visible.</summary>
internal static class ListDocuments
{
    private const string VisibleSql = $"SELECT EXISTS (SELECT 1 FROM adoption.cases c WHERE c.id = @case_id AND {CaseAccessSql.Visible})";

    private const string DocumentsSql = $"""
        SELECT {DocumentRecord.Columns}
        FROM adoption.documents d
        JOIN adoption.cases c ON c.id = d.case_id
        WHERE d.case_id = @case_id AND d.deleted_at IS NULL AND {CaseAccessSql.Visible}
        ORDER BY d.uploaded_at, d.id
        """;

    public static async Task<IReadOnlyList<DocumentRecord>?> ExecuteAsync(NpgsqlDataSource dataSource, Caller caller, Guid caseId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in new[] { VisibleSql, DocumentsSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            caller.AddParameters(command.Parameters);
            command.Parameters.AddWithValue("case_id", caseId);
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (!reader.GetBoolean(0))
        {
            return null;
        }

        await reader.NextResultAsync(cancellationToken);
        var documents = new List<DocumentRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            documents.Add(DocumentRecord.Read(reader));
        }

        return documents;
    }
}
