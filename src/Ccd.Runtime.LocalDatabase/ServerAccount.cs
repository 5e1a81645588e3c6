namespace Ccd.Runtime.LocalDatabase;

/// <summary>
/// Who runs the PostgreSQL server: the current user, or (when the process is root, which PostgreSQL refuses) the
/// <c>postgres</c> user through <c>runuser</c>.
/// </summary>
internal sealed class ServerAccount
{
    private ServerAccount(bool isPostgresUser) => IsPostgresUser = isPostgresUser;

    /// <summary>True when the server runs as the <c>postgres</c> user rather than as this process's user.</summary>
    public bool IsPostgresUser { get; }

    public static ServerAccount ForThisProcess() => new(IsRoot());

    /// <summary>Runs a program as the server's user.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        IsPostgresUser
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments], timeout, cancellationToken)
            : ProcessRunner.RunAsync(executable, arguments, timeout, cancellationToken);

    /// <summary>Whether the server's user can pass <c>test</c> with <paramref name="tests"/> (e.g. <c>-x dir</c>).</summary>
    public async Task<bool> PassesAsync(IEnumerable<string> tests, CancellationToken cancellationToken)
    {
        var (code, _) = await RunAsync("/usr/bin/test", tests, TimeSpan.FromSeconds(10), cancellationToken);
        return code == 0;
    }

    /// <summary>Gives a file or folder this process has just created to the server's user.</summary>
    public async Task TakeOwnershipOfCreatedAsync(string path, CancellationToken cancellationToken)
    {
        if (!IsPostgresUser)
        {
            return;
        }

        var (code, output) = await ProcessRunner.RunAsync("chown", ["postgres:postgres", path], TimeSpan.FromSeconds(10), cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"chown failed (exit {code}) for {path}: {output.Trim()}");
        }
    }

    /// <summary>The <c>postgres</c> user's home folder (from <c>/etc/passwd</c>), where a folder of its own can be kept.</summary>
    public static string PostgresHome()
    {
        try
        {
            var entry = File.ReadLines("/etc/passwd").Select(line => line.Split(':')).FirstOrDefault(fields => fields.Length >= 6 && fields[0] == "postgres");
            if (entry is not null && entry[5].Length > 1)
            {
                return entry[5];
            }
        }
        catch (IOException)
        {
        }

        return "/var/lib/postgresql";
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllLines("/proc/self/status").Any(line => line.StartsWith("Uid:", StringComparison.Ordinal) && line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");
        }
        catch (IOException)
        {
            return Environment.UserName == "root";
        }
    }
}
