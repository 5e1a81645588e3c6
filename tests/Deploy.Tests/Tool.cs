using System.Diagnostics;

namespace Deploy.Tests;

/// <summary>Runs a command-line tool (promtool) to completion and returns its exit code and everything it printed.</summary>
internal static class Tool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var ceiling = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(ceiling.Token);
        return (process.ExitCode, await output + await error);
    }
}
