using Ccd.Testing;

namespace Adoption.Service.Tests.Hosting;

/// <summary>Starts the real Adoption.Service binary that the test project copies beside itself.</summary>
internal static class ServiceBinary
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Adoption.Service.dll");

    public static ServiceProcess Start(IDictionary<string, string?> environment, params string[] args) =>
        ServiceProcess.Start(Dll, environment, args);

    /// <summary>Runs a command to completion and returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunAsync(IDictionary<string, string?> environment, TimeSpan ceiling, params string[] args)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var process = Start(environment, args);
        if (!await process.WaitForExitAsync(ceiling))
        {
            process.Kill();
            return (int.MinValue, process.Output, clock.Elapsed);
        }

        return (process.ExitCode, process.Output, clock.Elapsed);
    }
}
