namespace Ccd.Runtime.LocalDatabase;

/// <summary>Finds the PostgreSQL server binaries, installing Debian's <c>postgresql</c> package when they are missing.</summary>
internal static class PostgresBinaries
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static async Task<string> FindOrInstallAsync(CancellationToken cancellationToken)
    {
        if (Find() is { } found)
        {
            return found;
        }

        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (Find() is { } again)
            {
                return again;
            }

            var hint = "Install PostgreSQL 15 (Debian: apt-get install postgresql) or set a database URL.";
            try
            {
                var (updateCode, _) = await ProcessRunner.RunAsync("apt-get", ["update", "-qq"], TimeSpan.FromMinutes(5), cancellationToken);
                var (code, output) = await ProcessRunner.RunAsync(
                    "apt-get", ["install", "-y", "-qq", "--no-install-recommends", "postgresql"], TimeSpan.FromMinutes(10), cancellationToken);
                if (updateCode != 0 || code != 0)
                {
                    throw new InvalidOperationException($"PostgreSQL is not installed and 'apt-get install postgresql' failed: {output.Trim()}. {hint}");
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                throw new InvalidOperationException($"PostgreSQL is not installed and apt-get is not available. {hint}");
            }

            return Find() ?? throw new InvalidOperationException($"PostgreSQL was installed but its binaries were not found under /usr/lib/postgresql. {hint}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("PG_BIN_DIR");
        if (!string.IsNullOrEmpty(configured) && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        // Prefer 15 (the supported baseline), else the newest installed.
        return Directory.GetDirectories(root)
            .Select(dir => (Dir: dir, Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
            .Where(candidate => File.Exists(Path.Combine(candidate.Dir, "bin", "initdb")))
            .OrderByDescending(candidate => candidate.Version == 15)
            .ThenByDescending(candidate => candidate.Version)
            .Select(candidate => Path.Combine(candidate.Dir, "bin"))
            .FirstOrDefault();
    }
}
