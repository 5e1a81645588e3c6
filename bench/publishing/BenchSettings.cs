using System.Globalization;

namespace Ccd.Bench.Publishing;

/// <summary>Command-line settings: <c>--messages N --cases N --publishers N --batch N --warmup N --out DIR</c>.</summary>
internal sealed record BenchSettings(int Messages, int Cases, int Publishers, int BatchSize, int WarmupMessages, string OutputDirectory)
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
        // 3 batches left the runtime's code (and AMQPNetLite's, which the bare sender then found compiled) being
        // tiered up by the JIT during the measured run; 20 batches each way, or the size of the run if smaller.
        return new BenchSettings(
            messages,
            Int("cases", 10_000),
            Int("publishers", 1),
            batch,
            Int("warmup", Math.Min(20 * batch, Math.Max(3 * batch, messages))),
            values.GetValueOrDefault("out", "bench/results"));
    }
}
