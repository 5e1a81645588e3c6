using Ccd.Runtime.Database;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Ccd.Runtime.Hosting;

/// <summary>
/// What the application runs: it serves (as the runtime role, logging to standard output) unless the command line
/// chose an operations command before anything connected, which connects as the owner and logs to standard error so
/// that standard output carries only its result. Registration does not read the command line; the commands do.
/// </summary>
internal sealed class CcdInvocation : IOptionsChangeTokenSource<ConsoleLoggerOptions>, IDisposable
{
    private CancellationTokenSource _changed = new();

    private bool _roleTaken;

    public bool Serves { get; private set; } = true;

    /// <summary>The role to connect as; once taken (the database target is resolved), the command can no longer change.</summary>
    public DatabaseRole Role
    {
        get
        {
            _roleTaken = true;
            return Serves ? DatabaseRole.Runtime : DatabaseRole.Owner;
        }
    }

    string IOptionsChangeTokenSource<ConsoleLoggerOptions>.Name => Options.DefaultName;

    /// <summary>An operations command runs: the console logger (built with the application) moves to standard error.</summary>
    public void RunsCommand()
    {
        if (!Serves)
        {
            return;
        }

        if (_roleTaken)
        {
            throw new InvalidOperationException("The database was connected to before the command line was read: call RunCcdAsync before resolving services.");
        }

        Serves = false;
        using var changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        changed.Cancel();
    }

    public void Dispose() => _changed.Dispose();

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);
}
