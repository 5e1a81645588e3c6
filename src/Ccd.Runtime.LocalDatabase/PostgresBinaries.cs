namespace Ccd.Runtime.LocalDatabase;

/// <summary>
/// Finds the PostgreSQL server binaries (<c>initdb</c>, <c>pg_ctl</c>). Nothing is installed here: installing belongs
/// to <c>scripts/install-prerequisites.sh</c>, which <c>scripts/run.sh</c> and <c>scripts/test.sh</c> run first.
/// </summary>
internal static class PostgresBinaries
{
    /// <summary>The one line that says what to run when the binaries are missing.</summary>
    public const string InstallHint =
        "PostgreSQL's server binaries (initdb) are not installed: run scripts/install-prerequisites.sh serve (Debian: apt-get install postgresql), set PG_BIN_DIR to their folder, or set a database URL.";

    /// <summary>The folder holding <c>initdb</c>: <c>PG_BIN_DIR</c> when set, else the preferred version under <paramref name="root"/>.</summary>
    /// <exception cref="InvalidOperationException">No server binaries were found; the message is <see cref="InstallHint"/>.</exception>
    public static string Find(string? configured = null, string root = "/usr/lib/postgresql")
    {
        configured ??= Environment.GetEnvironmentVariable("PG_BIN_DIR");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new InvalidOperationException($"PG_BIN_DIR is {configured}, which holds no initdb. {InstallHint}");
        }

        // Prefer 15 (the supported baseline), else the newest installed.
        var found = !Directory.Exists(root) ? null : Directory.GetDirectories(root)
            .Select(dir => (Dir: dir, Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
            .Where(candidate => File.Exists(Path.Combine(candidate.Dir, "bin", "initdb")))
            .OrderByDescending(candidate => candidate.Version == 15)
            .ThenByDescending(candidate => candidate.Version)
            .Select(candidate => Path.Combine(candidate.Dir, "bin"))
            .FirstOrDefault();
        return found ?? throw new InvalidOperationException(InstallHint);
    }
}
