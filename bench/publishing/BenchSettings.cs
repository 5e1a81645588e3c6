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
        return new BenchSettings(
            Int("messages", 100_000),
            Int("cases", 10_000),
            Int("publishers", 1),
            batch,
            Int("warmup", 3 * batch),
            values.GetValueOrDefault("out", "bench/results"));
    }
}
