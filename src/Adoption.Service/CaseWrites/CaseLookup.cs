using Adoption.Service.Access;
using Ccd.Runtime.Problems;

namespace Adoption.Service.CaseWrites;

/// <summary>Finds the adoption case behind a CCD reference, through the same visibility predicate as every other statement.</summary>
internal static class CaseLookup
{
    private const string ByReferenceSql = $"SELECT c.id FROM adoption.cases c WHERE c.ccd_reference = @reference AND {CaseAccessSql.Visible}";

    public static async Task<Guid> IdAsync(AdoptionWriteContext write)
    {
        await using var command = write.Command(ByReferenceSql);
        command.Parameters.AddWithValue("reference", write.Reference);
        return await command.ExecuteScalarAsync(write.CancellationToken) as Guid?
            ?? throw ProblemException.NotFound($"Case {write.Reference} has no adoption case that you can see.");
    }
}
