using Ccd.Runtime.Commands;
using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using Ccd.Runtime.Authentication;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Testing;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

public sealed class DevTokenCommandTests(PostgresServer postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AuthProbeHost.Definition.Build(args).RunCcdAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static string TestSettings => $"--Ccd:Auth:SigningKey={TestTokens.SigningKey}";

    [Fact]
    public async Task a_dev_user_token_is_printed_alone_and_accepted_by_the_service()
    {
        var (exitCode, output, _) = await RunAsync(
            "dev-token", "user", "idam-7", "--roles", "caseworker,caseworker-adoption", "--courts", "C1,C2",
            "--first-name", "Ada", "--last-name", "Lovelace", "--APP_ENV=TEST", TestSettings);
        var service = await RunAsync("dev-token", "service", "ccd_data", "--APP_ENV=TEST", TestSettings);
        await using var app = await AuthProbeHost.StartAsync(postgres);
        using var client = app.CreateClient(output.Trim(), service.Output.Trim());

        var user = await client.GetFromJsonAsync<CcdUser>(AuthProbeHost.PersistencePath, Cancel);

        Assert.Equal(0, exitCode);
        Assert.Equal(0, service.ExitCode);
        Assert.Matches(@"^[\w-]+\.[\w-]+\.[\w-]+\n$", output.ReplaceLineEndings("\n"));
        Assert.Equal(("idam-7", "Ada", "Lovelace"), (user!.Id, user.FirstName, user.LastName));
        Assert.Equal(["caseworker", "caseworker-adoption"], user.Roles);
        Assert.Equal(["C1", "C2"], user.Courts);
    }

    [Fact]
    public async Task a_dev_token_is_valid_for_one_hour()
    {
        var (_, output, _) = await RunAsync("dev-token", "service", "ccd_data", "--APP_ENV=TEST", TestSettings);

        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(output.Trim());

        Assert.Equal(TimeSpan.FromHours(1), token.ValidTo - token.ValidFrom);
        Assert.Equal("ccd_data", token.Subject);
    }

    [Theory]
    [InlineData("DEV")]
    [InlineData("PROD")]
    public async Task dev_token_is_refused_outside_local_and_test(string environment)
    {
        var (exitCode, output, error) = await RunAsync("dev-token", "user", "idam-7", $"--APP_ENV={environment}", TestSettings);

        Assert.NotEqual(0, exitCode);
        Assert.Empty(output);
        Assert.Contains("LOCAL and TEST only", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task in_test_without_a_signing_key_dev_token_names_the_key_to_set()
    {
        var (exitCode, output, error) = await RunAsync("dev-token", "service", "ccd_data", "--APP_ENV=TEST");

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("Ccd:Auth:SigningKey", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task in_local_the_generated_key_is_kept_in_the_data_folder_and_shared_with_the_service()
    {
        var root = Directory.CreateTempSubdirectory("ccd-devtoken-").FullName;
        try
        {
            var first = await RunAsync("dev-token", "service", "ccd_data", "--APP_ENV=LOCAL", $"--contentRoot={root}");
            var second = await RunAsync("dev-token", "service", "ccd_data", "--APP_ENV=LOCAL", $"--contentRoot={root}");
            // What the running service reads from the same folder (AddCcdRuntime does the same).
            var configuration = new ConfigurationBuilder().Build();
            var settings = CcdAuthSettings.Read(configuration, AppEnvironment.Local, root);
            using var cache = new AuthenticationCache();
            var verified = await new DevServiceTokenVerifier(settings, new VerifiedTokenCache(cache, settings, TimeProvider.System)).VerifyAsync(first.Output.Trim(), Cancel);

            Assert.Equal(0, first.ExitCode);
            Assert.Equal(0, second.ExitCode);
            Assert.Equal("ccd_data", verified.ServiceName);
            var keyFile = LocalSigningKeyFile.PathFor(root);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }

            Assert.Equal(settings.SigningKey!.Key, System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(keyFile)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
