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

    /// <summary>How often a start that exits during start-up is tried again.</summary>
    private const int StartAttempts = 5;

    /// <summary>Starts the binary on <paramref name="port"/> and waits until it is ready.</summary>
    /// <remarks>
    /// The service fails fast when the database does not answer its start-up check within 8 seconds. On a loaded
    /// machine (the acceptance-size crash run shares two cores with builds and benchmarks) that can happen to a
    /// restart; it is the service working as designed, not a finding, so a start that exits is tried again. A start
    /// that hangs is not retried: the ceiling still fails the test.
    /// </remarks>
    public static async Task<ServiceProcess> StartAsync(IDictionary<string, string?> environment, int port, TimeSpan? clockAhead = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var process = ServiceProcess.Start(Dll, environment, port: port, clockAhead: clockAhead);
            try
            {
                await process.WaitReadyAsync(TimeSpan.FromSeconds(120));
                return process;
            }
            catch (InvalidOperationException exception) when (attempt < StartAttempts)
            {
                // WaitReadyAsync throws this only when the process exited; its output says why.
                Console.Error.WriteLine($"service start {attempt} exited, starting again: {exception.Message}");
                await process.DisposeAsync();
            }
        }
    }
}
