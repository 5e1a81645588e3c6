using Npgsql;

namespace Adoption.Service.CaseNumbers;

/// <summary>
/// Hands out case numbers <c>{Court}/{Year}/{NNNNN}</c>. The upsert takes the row lock on the court's sequence
/// row and keeps it until the creating transaction ends: a concurrent create of the same court and year waits,
/// and a rollback gives the number back, so committed numbers have no gaps and no duplicates.
/// </summary>
internal static class CaseNumberAllocator
{
    private const string NextSql = """
        INSERT INTO adoption.court_sequences (court_code, year, last_number)
        VALUES (@court_code, @year, 1)
        ON CONFLICT (court_code, year) DO UPDATE SET last_number = adoption.court_sequences.last_number + 1
        RETURNING last_number
        """;

    public static async Task<CaseNumber> NextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string courtCode, int year, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(NextSql, connection, transaction);
        command.Parameters.AddWithValue("court_code", courtCode);
        command.Parameters.AddWithValue("year", year);
        var number = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new CaseNumber(courtCode, year, number);
    }
}

/// <summary>A human case number such as <c>BFC/2026/00001</c>.</summary>
internal readonly record struct CaseNumber(string CourtCode, int Year, int Sequence)
{
    public override string ToString() => $"{CourtCode}/{Year:D4}/{Sequence:D5}";
}
