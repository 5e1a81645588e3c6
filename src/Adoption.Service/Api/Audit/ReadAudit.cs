using System.Text.Json;
using System.Text.Json.Serialization;
using Adoption.Service.Access;
using Ccd.Runtime.Database;
using Npgsql;

namespace Adoption.Service.Api.Audit;

/// <summary>A case's audit trail in the order it was written, for those who may read it.</summary>
internal static class ReadAudit
{
    private const string AccessSql = $"SELECT {CaseAccessSql.MayReadAudit} FROM adoption.cases c WHERE c.id = @case_id AND {CaseAccessSql.Visible}";

    private const string EntriesSql = $"""
        SELECT l.id, l.at, l.actor, l.action, l.entity, l.entity_id, l.details::text, l.on_behalf_of
        FROM adoption.audit_log l
        JOIN adoption.cases c ON c.id = l.case_id
        WHERE l.case_id = @case_id AND {CaseAccessSql.Visible} AND {CaseAccessSql.MayReadAudit}
        ORDER BY l.sequence
        """;

    public static async Task<AuditTrail> ExecuteAsync(NpgsqlDataSource dataSource, Caller caller, Guid caseId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in new[] { AccessSql, EntriesSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            caller.AddParameters(command.Parameters);
            command.Parameters.AddWithValue("case_id", caseId);
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new AuditTrail(Visible: false, Allowed: false, []);
        }

        var allowed = reader.GetBoolean(0);
        await reader.NextResultAsync(cancellationToken);
        var entries = new List<AuditEntryView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntryView(
                reader.GetGuid(0), DatabaseClock.AsUtc(reader.GetDateTime(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetGuid(5), JsonDocument.Parse(reader.GetString(6)).RootElement.Clone())
            {
                OnBehalfOf = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }

        return new AuditTrail(Visible: true, allowed, entries);
    }
}

internal sealed record AuditTrail(bool Visible, bool Allowed, IReadOnlyList<AuditEntryView> Entries);

/// <summary>An audit row in the REST API's JSON.</summary>
internal sealed record AuditEntryView(Guid Id, DateTime At, string Actor, string Action, string Entity, Guid EntityId, JsonElement Details)
{
    /// <summary>The user the actor acted for; left out when the actor acted for themselves.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OnBehalfOf { get; init; }
}
