using System.Globalization;

namespace Reliability.Tests.Support;

/// <summary>
/// How long the disruptive tests run. CI runs the short form; <c>RELIABILITY_LONG=1</c> runs the acceptance form
/// (20,000 operations, 6 kills); <c>RELIABILITY_OPERATIONS</c> and <c>RELIABILITY_KILLS</c> override either.
/// </summary>
internal static class RunSize
{
    public static bool Long => Environment.GetEnvironmentVariable("RELIABILITY_LONG") == "1";

    public static int CrashOperations => Read("RELIABILITY_OPERATIONS", Long ? 20_000 : 2_000);

    public static int Kills => Read("RELIABILITY_KILLS", Long ? 6 : 3);

    public static int LoadOperations => Read("RELIABILITY_OPERATIONS", Long ? 10_000 : 1_200);

    private static int Read(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
