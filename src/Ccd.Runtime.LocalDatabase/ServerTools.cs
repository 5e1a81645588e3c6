namespace Ccd.Runtime.LocalDatabase;

/// <summary>The server's programs (<c>initdb</c>, <c>pg_ctl</c>), run as the server's user.</summary>
internal sealed class ServerTools(string binDirectory, ServerAccount account)
{
    public ServerAccount Account => account;

    public Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        account.RunAsync(Path.Combine(binDirectory, tool), arguments, timeout, cancellationToken);

    public async Task RunCheckedAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsync(tool, arguments, timeout, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{tool} failed (exit {code}): {output.Trim()}");
        }
    }

    /// <summary>Whether a live server holds <paramref name="dataDirectory"/> (its postmaster.pid names a running process).</summary>
    public async Task<bool> IsRunningAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var (code, _) = await RunAsync("pg_ctl", ["-D", dataDirectory, "status"], TimeSpan.FromSeconds(10), cancellationToken);
        return code == 0;
    }
}
