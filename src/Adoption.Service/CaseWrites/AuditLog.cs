using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Adoption.Service.CaseWrites;

/// <summary>
/// Appends to <c>adoption.audit_log</c>. It takes the open transaction as a parameter, so an audit row can only
/// be written inside the write it records and commits or rolls back with it: a case write's rows through
/// <see cref="AdoptionWriteContext.Audit"/>, a disposal's in the runtime's disposal transaction.
/// </summary>
internal static class AuditLog
{
    private const string InsertSql = """
        INSERT INTO adoption.audit_log (id, at, actor, on_behalf_of, action, entity, entity_id, case_id, details)
        VALUES (@id, @at, @actor, @on_behalf_of, @action, @entity, @entity_id, @case_id, @details)
        """;

    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("at", NpgsqlDbType.Timestamp, entry.At);
        command.Parameters.AddWithValue("actor", entry.Actor);
        command.Parameters.AddWithValue("on_behalf_of", NpgsqlDbType.Varchar, (object?)entry.OnBehalfOf ?? DBNull.Value);
        command.Parameters.AddWithValue("action", entry.Action);
        command.Parameters.AddWithValue("entity", entry.Entity);
        command.Parameters.AddWithValue("entity_id", entry.EntityId);
        command.Parameters.AddWithValue("case_id", entry.CaseId);
        command.Parameters.AddWithValue("details", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(entry.Details, AuditJson.Options));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>One audit row: who did what (and for whom) to which entity of which case, with the changed values.</summary>
internal sealed record AuditEntry(DateTime At, string Actor, string Action, string Entity, Guid EntityId, Guid CaseId, IReadOnlyDictionary<string, object?> Details)
{
    /// <summary>The user the actor acted for, when the write was done on someone's behalf.</summary>
    public string? OnBehalfOf { get; init; }
}

internal static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
