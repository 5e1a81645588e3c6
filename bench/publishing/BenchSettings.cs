using System.Globalization;

namespace Ccd.Bench.Publishing;

/// <summary>Command-line settings: <c>--messages N --cases N --publishers N --batch N --warmup N --rounds N --out DIR</c>.</summary>
internal sealed record BenchSettings(int Messages, int Cases, int Publishers, int BatchSize, int WarmupMessages, int Rounds, string OutputDirectory)
{
    public static BenchSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Int(string name, int fallback) =>
            values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        var batch = Int("batch", 1000);
        var messages = Int("messages", 100_000);
        // The JIT tiers a method up after ~30 calls, twice with dynamic PGO (instrumented, then optimized): code run
        // once a batch (the claim, Npgsql's command and transaction paths, the loop) reached its final tier only
        // during the measured run after a warm-up of 20 batches (592 methods compiled in the runtime's stage against
        // 52 in the bare sender's, ~7 µs of CPU a message), after 60 batches ~100 against ~20. 60 batches each way
        // when the run is at least 20 batches, else the size of the run (at least 3 batches).
        return new BenchSettings(
            messages,
            Int("cases", 10_000),
            Int("publishers", 1),
            batch,
            Int("warmup", messages >= 20 * batch ? 60 * batch : Math.Max(3 * batch, messages)),
            Math.Max(1, Int("rounds", 2)),
            values.GetValueOrDefault("out", "bench/results"));
    }
}
