using System.Diagnostics;

namespace Ccd.Conformance;

/// <summary>
/// Where a token comes from: given as is, from an environment variable, or printed by a command (for example a
/// service's <c>dev-token</c> command or an IdAM/S2S client script). Tokens are never printed.
/// </summary>
internal static class TokenSource
{
    public static async Task<string> ResolveAsync(string what, string? value, string? command, string environmentVariable, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value.Trim();
        }

        if (!string.IsNullOrWhiteSpace(command))
        {
            return await RunAsync(what, command, cancellationToken);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(environmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment)
            ? throw new ConformanceUsageException($"No {what} token: give --{what}-token, --{what}-token-command or set {environmentVariable}.")
            : fromEnvironment.Trim();
    }

    private static async Task<string> RunAsync(string what, string command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info) ?? throw new ConformanceUsageException($"The {what} token command did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var token = (await output).Trim();
        _ = await error;
        if (process.ExitCode != 0 || token.Length == 0)
        {
            throw new ConformanceUsageException($"The {what} token command exited with {process.ExitCode} and printed {(token.Length == 0 ? "nothing" : "a token")} on standard output.");
        }

        // A command may print more than the token (a banner): the token is the last line.
        return token.Split('\n')[^1].Trim();
    }
}

/// <summary>A mistake in how the tool was called (exit code 2).</summary>
internal sealed class ConformanceUsageException(string message) : Exception(message);
