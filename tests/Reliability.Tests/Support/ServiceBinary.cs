using Ccd.Testing;

namespace Reliability.Tests.Support;

/// <summary>The real Adoption.Service binary (copied beside the tests), run with the configuration-only <see cref="BlobCaseType"/>.</summary>
internal static class ServiceBinary
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Adoption.Service.dll");

    public static Dictionary<string, string?> Environment(string connectionString, IDictionary<string, string?>? extra = null)
    {
        var environment = BlobCaseType.Environment();
        environment["APP_ENV"] = "TEST";
        environment["TEST_DATABASE_URL"] = connectionString;
        environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>Starts the binary on <paramref name="port"/> and waits until it is ready.</summary>
    public static async Task<ServiceProcess> StartAsync(IDictionary<string, string?> environment, int port)
    {
        var process = ServiceProcess.Start(Dll, environment, port: port);
        await process.WaitReadyAsync(TimeSpan.FromSeconds(120));
        return process;
    }
}
