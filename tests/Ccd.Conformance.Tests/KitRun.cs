using System.Text.RegularExpressions;

namespace Ccd.Conformance.Tests;

/// <summary>Runs the kit's command line in process and keeps what it printed.</summary>
internal sealed partial record KitRun(int ExitCode, string Output, string Error)
{
    /// <summary>The names of the checks that failed, from the FAIL lines.</summary>
    public IReadOnlyList<string> Failed => FailLine().Matches(Output).Select(m => m.Groups[1].Value).ToList();

    public IReadOnlyList<string> Passed => PassLine().Matches(Output).Select(m => m.Groups[1].Value).ToList();

    public static async Task<KitRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ConformanceCommand.RunAsync(args, output, error, Xunit.TestContext.Current.CancellationToken);
        return new KitRun(exitCode, output.ToString(), error.ToString());
    }

    public static Task<KitRun> AgainstStubAsync(StubPersistenceServer stub, params string[] extra) =>
        RunAsync([
            "--base-url", stub.Url.ToString(), "--case-type", "FT_Stub", "--jurisdiction", "TEST",
            "--user-token", StubPersistenceServer.UserToken, "--service-token", StubPersistenceServer.ServiceToken, .. extra,
        ]);

    [GeneratedRegex(@"^FAIL (\S+?)(?::|\r?$)", RegexOptions.Multiline)]
    private static partial Regex FailLine();

    [GeneratedRegex(@"^PASS (\S+?)(?::|\r?$)", RegexOptions.Multiline)]
    private static partial Regex PassLine();
}
