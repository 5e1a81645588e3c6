using Adoption.Service.Access;
using Npgsql;

namespace Adoption.Service.CaseWrites;

/// <summary>
/// Finds the CCD reference of a case the caller can see, before its write starts: the event path needs the
/// reference to take the case lock. The write finds the case again under the lock.
/// </summary>
internal static class CaseLocator
{
    private const string LocateSql = $"""
        SELECT c.ccd_reference
        FROM adoption.cases c
        WHERE c.id = @id AND {CaseAccessSql.Visible}
        """;

    public static async Task<long> LocateAsync(NpgsqlDataSource dataSource, Caller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(LocateSql);
        caller.AddParameters(command.Parameters);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is long reference ? reference : throw LockedCase.NotFound(id);
    }
}
