using System.Diagnostics;
using System.Text.RegularExpressions;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.Hosting;

/// <summary>The README's "Try it" commands, taken from the README and run as they are, against the service as scripts/run.sh serves it.</summary>
public sealed partial class ReadmeTryItTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"ccd-tryit-{Guid.NewGuid():N}"[..24]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_readme_try_it_commands_file_a_case_and_read_it_and_its_history_through_ccd_persistence()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Checkout.Root, "README.md"), Ct);
        var block = TryItBlock().Match(readme);
        Assert.True(block.Success, "README.md has no try-it block");
        var commands = block.Groups[1].Value;

        var environment = new Dictionary<string, string?> { ["APP_ENV"] = "LOCAL", ["LOCAL_DATA_DIR"] = Path.Combine(_data, "postgres") };
        await using var service = ServiceProcess.Start(Path.Combine(Checkout.ServiceFolder, "Adoption.Service.dll"), environment, workingDirectory: Checkout.Root);
        await service.WaitReadyAsync(TimeSpan.FromMinutes(3));

        var info = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", commands])
        {
            WorkingDirectory = Checkout.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["API"] = service.BaseAddress.ToString().TrimEnd('/');
        info.Environment["Ccd__Auth__SigningKey"] = TestTokens.SigningKey; // the key the test's service verifies with
        info.Environment["APP_ENV"] = "LOCAL";
        using var shell = Process.Start(info)!;
        var stdout = shell.StandardOutput.ReadToEndAsync(Ct);
        var stderr = shell.StandardError.ReadToEndAsync(Ct);
        using var ceiling = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        ceiling.CancelAfter(TimeSpan.FromMinutes(6));
        await shell.WaitForExitAsync(ceiling.Token);
        var output = await stdout;
        Assert.True(shell.ExitCode == 0, $"exit {shell.ExitCode}\n{output}\n{await stderr}");

        var reference = Regex.Match(output, "\"ccdReference\": \"(\\d{16})\"").Groups[1].Value;
        Assert.NotEmpty(reference);
        Assert.Contains($"\"id\": {reference}", output, StringComparison.Ordinal); // the case, read through /ccd-persistence
        Assert.Contains("\"case_type_id\": \"A58\"", output, StringComparison.Ordinal);
        Assert.Matches("\"event\":|\"event_id\":|\"events\":", output); // its history
        await service.StopAsync();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"<!-- try-it[^>]*-->\s*```sh\n(.*?)```\s*<!-- /try-it -->", RegexOptions.Singleline)]
    private static partial Regex TryItBlock();
}
