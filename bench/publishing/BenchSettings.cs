using System.Globalization;

namespace Ccd.Bench.Publishing;

/// <summary>Command-line settings: <c>--messages N --cases N --publishers N --batch N --out DIR</c>.</summary>
internal sealed record BenchSettings(int Messages, int Cases, int Publishers, int BatchSize, string OutputDirectory)
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

        return new BenchSettings(
            Int("messages", 100_000),
            Int("cases", 10_000),
            Int("publishers", 1),
            Int("batch", 1000),
            values.GetValueOrDefault("out", "bench/results"));
    }
}
