using Ccd.Runtime.Database;
using Npgsql;

namespace Ccd.Runtime.Import;

/// <summary>The central CCD database to import from, opened read-only.</summary>
internal static class SourceDatabase
{
    public const string Variable = "CCD_SOURCE_DATABASE_URL";

    /// <summary>From <c>--source</c>, else <c>CCD_SOURCE_DATABASE_URL</c> (a postgres:// URL or an Npgsql connection string).</summary>
    public static NpgsqlDataSource Open(string? option, Func<string, string?> environment)
    {
        var value = string.IsNullOrWhiteSpace(option) ? environment(Variable) : option;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ImportException($"No source database: pass --source or set {Variable}.");
        }

        var builder = DatabaseUrl.Parse(value, string.IsNullOrWhiteSpace(option) ? Variable : "--source");
        // Every session is read-only: the import can never write to CCD, whatever the account may do.
        builder.Options = string.Join(' ', new[] { builder.Options, "-c default_transaction_read_only=on" }.Where(o => !string.IsNullOrEmpty(o)));
        builder.ApplicationName ??= "ccd-import";
        return NpgsqlDataSource.Create(builder);
    }
}
