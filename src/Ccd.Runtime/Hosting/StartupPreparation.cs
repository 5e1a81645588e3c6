using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ccd.Runtime.Hosting;

/// <summary>
/// Fail-fast preparation before serving, once per application: the configuration problem found while registering
/// (if any), then the database check (migrating in LOCAL and TEST, checking the journal in DEV and PROD), then the
/// features' start-up checks, then the start-up summary. <c>serve</c> runs it before starting the host, so a failure
/// is one line; a host started otherwise (a test server, <c>WebApplicationFactory</c>) runs it as it starts.
/// </summary>
internal sealed class StartupPreparation(IServiceProvider services, StartupFailure? failure = null) : IHostedLifecycleService
{
    private readonly Lock _gate = new();
    private Task? _run;

    /// <summary>Prepares once; later calls (the host's start after <c>serve</c>'s) wait for the same run.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _run ??= PrepareAsync(cancellationToken);
        }
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        failure?.Throw();
        await services.GetRequiredService<DatabaseStartup>().EnsureReadyAsync(cancellationToken);
        foreach (var check in services.GetServices<ICcdStartupCheck>())
        {
            await check.RunAsync(cancellationToken);
        }

        StartupSummary.Log(services);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
