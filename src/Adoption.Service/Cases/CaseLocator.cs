using Adoption.Service.Access;
using Npgsql;

namespace Adoption.Service.Cases;

/// <summary>
/// Finds the CCD reference and status of a case the caller can see, before its write starts: the event path
/// needs the reference to take the case lock, and the status to pick the event. The write re-checks both under
/// the lock.
/// </summary>
internal static class CaseLocator
{
    private const string LocateSql = $"""
        SELECT c.ccd_reference, c.status
        FROM adoption.cases c
        WHERE c.id = @id AND {CaseAccessSql.Visible}
        """;

    public static async Task<(long Reference, string Status)> LocateAsync(NpgsqlDataSource dataSource, Caller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(LocateSql);
        caller.AddParameters(command.Parameters);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw LockedCase.NotFound(id);
        }

        return (reader.GetInt64(0), reader.GetString(1));
    }
}
