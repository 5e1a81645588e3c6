using Ccd.Runtime.LocalDatabase;
using Npgsql;

namespace Adoption.Service.Tests.Hosting;

/// <summary>
/// <c>pg_dump -Fc</c> and <c>pg_restore</c> as an operator runs them: client programs of the installed PostgreSQL,
/// run as the current user over TCP, so the dump file belongs to whoever runs the drill (the server's own
/// <c>postgres</c> user never needs to read it).
/// </summary>
internal static class PostgresBackup
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromMinutes(5);

    public static Task DumpAsync(string connectionString, string file) =>
        RunAsync("pg_dump", connectionString, ["--format=custom", "--no-owner", $"--file={file}"]);

    /// <summary>Restores <paramref name="file"/> into the existing, empty database of <paramref name="connectionString"/>.</summary>
    public static Task RestoreAsync(string connectionString, string file) =>
        RunAsync("pg_restore", connectionString, ["--no-owner", "--exit-on-error", "--single-transaction", file]);

    private static async Task RunAsync(string tool, string connectionString, string[] arguments)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var bin = PostgresBinaries.Find();
        var (code, output) = await ProcessRunner.RunAsync(
            Path.Combine(bin, tool),
            [$"--host={target.Host}", $"--port={target.Port}", $"--username={target.Username}", $"--dbname={target.Database}", .. arguments],
            Ceiling,
            new Dictionary<string, string> { ["PGPASSWORD"] = target.Password ?? string.Empty },
            CancellationToken.None);
        if (code != 0)
        {
            throw new InvalidOperationException($"{tool} failed (exit {code}): {output.Trim()}");
        }
    }
}
