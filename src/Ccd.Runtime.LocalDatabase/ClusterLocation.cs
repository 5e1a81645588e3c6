using System.Security.Cryptography;
using System.Text;

namespace Ccd.Runtime.LocalDatabase;

/// <summary>
/// Where a cluster's files are: the data folder asked for, or, when the server's user cannot reach it (a checkout
/// under root's mode-700 home), a folder of the <c>postgres</c> user's own keyed by the folder asked for, so data
/// persists between runs and two checkouts never share a cluster. Beside the data folder: the server's log, the
/// generated password and the lock files. Only folders created here are ever given to the server's user.
/// </summary>
internal sealed record ClusterLocation(string Requested, string DataDirectory)
{
    /// <summary>True when the cluster is kept elsewhere than the folder asked for.</summary>
    public bool Relocated => Requested != DataDirectory;

    public string LogFile => DataDirectory + ".log";

    public string PasswordFile => DataDirectory + ".password";

    /// <summary>Held exclusively while a process starts, joins, leaves or stops the cluster.</summary>
    public string StartLockFile => DataDirectory + ".start.lock";

    /// <summary>Held (shared) by every live process using the cluster.</summary>
    public string UsersLockFile => DataDirectory + ".users.lock";

    public static async Task<ClusterLocation> ResolveAsync(string dataDirectory, ServerAccount account, CancellationToken cancellationToken)
    {
        var requested = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        if (!account.IsPostgresUser)
        {
            Directory.CreateDirectory(requested);
            return new ClusterLocation(requested, requested);
        }

        if (await TryUseRequestedAsync(requested, account, cancellationToken))
        {
            return new ClusterLocation(requested, requested);
        }

        return new ClusterLocation(requested, await CreateFallbackAsync(requested, account, cancellationToken));
    }

    private static async Task<bool> TryUseRequestedAsync(string requested, ServerAccount account, CancellationToken cancellationToken)
    {
        if (Directory.Exists(requested))
        {
            // An existing folder is used only if it is already the server user's: it is never re-owned here.
            return await account.PassesAsync(["-O", requested, "-a", "-w", requested, "-a", "-x", requested], cancellationToken);
        }

        var existing = Path.GetDirectoryName(requested);
        while (existing is not null && !Directory.Exists(existing))
        {
            existing = Path.GetDirectoryName(existing);
        }

        if (existing is null || !await account.PassesAsync(["-x", existing], cancellationToken))
        {
            return false; // a parent the server's user cannot enter, such as /root
        }

        var created = new List<string>();
        for (var folder = requested; folder != existing; folder = Path.GetDirectoryName(folder)!)
        {
            created.Insert(0, folder);
        }

        foreach (var folder in created)
        {
            Directory.CreateDirectory(folder);
            if (OperatingSystem.IsWindows())
            {
                continue;
            }

            // Folders created here may be opened up whatever this process's umask: the server's user must pass through them.
            File.SetUnixFileMode(folder, folder == requested
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        await account.TakeOwnershipOfCreatedAsync(requested, cancellationToken);
        return true;
    }

    private static async Task<string> CreateFallbackAsync(string requested, ServerAccount account, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requested)))[..16];
        var folder = Path.Combine(ServerAccount.PostgresHome(), "ccd-local", key);
        var data = Path.Combine(folder, "data");
        // Created by the postgres user itself, so it owns every folder on the way.
        var (code, output) = await account.RunAsync("/bin/mkdir", ["-p", "-m", "700", data], TimeSpan.FromSeconds(10), cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"the postgres user cannot enter {requested} (a parent folder is private) and {data} could not be created ({output.Trim()}); " +
                "set LOCAL_DATA_DIR to a folder the postgres user can reach.");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "for.txt"), requested + Environment.NewLine, cancellationToken);
        return data;
    }
}
